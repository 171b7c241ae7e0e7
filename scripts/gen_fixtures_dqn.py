"""PyTorch fixture for test/rl/dqn_update.test.ts: one DQN update on a fixed batch.

A 4-6-2 MLP (online) and a target copy with other weights, a fixed batch of 5 transitions; for each case
the Q-values, the TD targets, the loss, and the online parameters after one optimizer step. Cases: plain
DQN with Huber loss and Adam; Double DQN with squared loss and RMSprop (alpha 0.95, eps 0.01, the
Nature DQN's RMSprop without momentum); Huber with importance weights (prioritised replay).
Run: /usr/bin/python3 scripts/gen_fixtures_dqn.py (torch 1.13)
"""

import json
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)


def mlp():
    return torch.nn.Sequential(torch.nn.Linear(4, 6), torch.nn.ReLU(), torch.nn.Linear(6, 2))


def tensors_of(m):
    return {k: {"shape": list(v.shape), "data": v.detach().reshape(-1).tolist()} for k, v in m.state_dict().items()}


online0 = mlp()
target = mlp()
obs = torch.randn(5, 4)
next_obs = torch.randn(5, 4)
actions = torch.tensor([0, 1, 1, 0, 1])
rewards = torch.tensor([1.0, 0.0, -1.0, 1.0, 0.5])
dones = torch.tensor([0.0, 0.0, 1.0, 0.0, 1.0])
weights = torch.tensor([1.0, 0.5, 0.25, 0.8, 0.1])
gamma = 0.99

cases = []
for name, double, loss_kind, opt_kind, weighted in [
    ("dqn-huber-adam", False, "huber", "adam", False),
    ("double-mse-rmsprop", True, "mse", "rmsprop", False),
    ("dqn-huber-weighted-adam", False, "huber", "adam", True),
]:
    online = mlp()
    online.load_state_dict(online0.state_dict())
    opt = (
        torch.optim.Adam(online.parameters(), lr=1e-2)
        if opt_kind == "adam"
        else torch.optim.RMSprop(online.parameters(), lr=1e-2, alpha=0.95, eps=0.01)
    )
    q = online(obs).gather(1, actions.unsqueeze(1)).squeeze(1)
    with torch.no_grad():
        next_q = target(next_obs)
        if double:
            next_v = next_q.gather(1, online(next_obs).argmax(1, keepdim=True)).squeeze(1)
        else:
            next_v = next_q.max(1).values
        y = rewards + gamma * (1 - dones) * next_v
    if weighted:
        each = F.huber_loss(q, y, reduction="none", delta=1.0)
        loss = (each * weights).mean()
    else:
        loss = F.huber_loss(q, y, delta=1.0) if loss_kind == "huber" else F.mse_loss(q, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    cases.append(
        {
            "name": name,
            "doubleDqn": double,
            "loss": loss_kind,
            "optimizer": opt_kind,
            "weighted": weighted,
            "q": q.detach().tolist(),
            "targets": y.tolist(),
            "lossValue": loss.item(),
            "after": tensors_of(online),
        }
    )

out = {
    "torch_version": torch.__version__,
    "gamma": gamma,
    "lr": 1e-2,
    "online": tensors_of(online0),
    "target": tensors_of(target),
    "batch": {
        "observations": obs.reshape(-1).tolist(),
        "nextObservations": next_obs.reshape(-1).tolist(),
        "actions": actions.tolist(),
        "rewards": rewards.tolist(),
        "dones": dones.tolist(),
        "weights": weights.tolist(),
    },
    "cases": cases,
}
path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "rl_dqn_update.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", path, [c["name"] + f" loss {c['lossValue']:.6f}" for c in cases])
