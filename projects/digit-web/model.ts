/**
 * The network of the digit recogniser, shared by the trainer (Node) and the page (browser): the page
 * builds the same layers and loads the trained weights into them by name.
 */
import { nn } from "strata-dl";

/** A small LeNet-style CNN: 1×28×28 in, ten logits out (54,314 parameters, 218 KB of weights). */
export function digitNet(): nn.Sequential {
  return new nn.Sequential(
    new nn.Conv2d(1, 8, 5, { padding: 2 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2), // 8 × 14 × 14
    new nn.Conv2d(8, 16, 5, { padding: 2 }),
    new nn.ReLU(),
    new nn.MaxPool2d(2), // 16 × 7 × 7
    new nn.Flatten(),
    new nn.Linear(16 * 7 * 7, 64),
    new nn.ReLU(),
    new nn.Dropout(0.25),
    new nn.Linear(64, 10),
  );
}
