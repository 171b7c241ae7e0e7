/**
 * Every test file imports modules deep inside `src/`, not the package entry; the Tensor methods that
 * higher floors install (ops, backward, compile/fit) must be there as they are for a user of `strata-dl`.
 */
import "../../src/ops/methods.js";
import "../../src/autograd/methods.js";
import "../../src/train/module_methods.js";
