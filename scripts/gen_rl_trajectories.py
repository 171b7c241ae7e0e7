"""Reference trajectories for test/rl/envs.test.ts: CartPole-v1, MountainCar-v0, Acrobot-v1 and Catch.

There is no Gymnasium on this machine (Debian has no package), so this script implements the
environments' documented equations in plain Python (float64, as Gymnasium's state is), from given start
states and fixed action sequences, and writes test/fixtures/rl_trajectories.json. Each trajectory
records, per step, the state after the step, the observation (float32, as Gymnasium returns it), the
reward, and the terminated/truncated flags (Gymnasium's TimeLimit: truncated when the step count
reaches the limit). Run: /usr/bin/python3 scripts/gen_rl_trajectories.py
"""

import json
import math
import os

import numpy as np

# ---------------------------------------------------------------------------------------------------
# CartPole-v1: Barto, Sutton & Anderson (1983) as in Gymnasium's cartpole.py (euler integrator)


def cartpole_step(s, action):
    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    total_mass = masspole + masscart
    polemass_length = masspole * length
    x, x_dot, theta, theta_dot = s
    force = force_mag if action == 1 else -force_mag
    c, si = math.cos(theta), math.sin(theta)
    temp = (force + polemass_length * theta_dot**2 * si) / total_mass
    thetaacc = (gravity * si - c * temp) / (length * (4.0 / 3.0 - masspole * c**2 / total_mass))
    xacc = temp - polemass_length * thetaacc * c / total_mass
    x = x + tau * x_dot
    x_dot = x_dot + tau * xacc
    theta = theta + tau * theta_dot
    theta_dot = theta_dot + tau * thetaacc
    theta_limit = 12 * 2 * math.pi / 360
    terminated = x < -2.4 or x > 2.4 or theta < -theta_limit or theta > theta_limit
    return [x, x_dot, theta, theta_dot], 1.0, terminated


def cartpole_obs(s):
    return s


# ---------------------------------------------------------------------------------------------------
# MountainCar-v0: Moore (1990) as in Gymnasium's mountain_car.py


def mountaincar_step(s, action):
    position, velocity = s
    velocity += (action - 1) * 0.001 + math.cos(3 * position) * (-0.0025)
    velocity = min(max(velocity, -0.07), 0.07)
    position += velocity
    position = min(max(position, -1.2), 0.6)
    if position == -1.2 and velocity < 0:
        velocity = 0.0
    terminated = position >= 0.5 and velocity >= 0
    return [position, velocity], -1.0, terminated


def mountaincar_obs(s):
    return s


# ---------------------------------------------------------------------------------------------------
# Acrobot-v1: Sutton (1996), "book" dynamics, one RK4 step of dt = 0.2 (Gymnasium's acrobot.py)


def acrobot_dsdt(s, a):
    m1 = m2 = l1 = 1.0
    lc1 = lc2 = 0.5
    I1 = I2 = 1.0
    g = 9.8
    theta1, theta2, dtheta1, dtheta2 = s
    d1 = m1 * lc1**2 + m2 * (l1**2 + lc2**2 + 2 * l1 * lc2 * math.cos(theta2)) + I1 + I2
    d2 = m2 * (lc2**2 + l1 * lc2 * math.cos(theta2)) + I2
    phi2 = m2 * lc2 * g * math.cos(theta1 + theta2 - math.pi / 2.0)
    phi1 = (
        -m2 * l1 * lc2 * dtheta2**2 * math.sin(theta2)
        - 2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * math.sin(theta2)
        + (m1 * lc1 + m2 * l1) * g * math.cos(theta1 - math.pi / 2)
        + phi2
    )
    ddtheta2 = (a + d2 / d1 * phi1 - m2 * l1 * lc2 * dtheta1**2 * math.sin(theta2) - phi2) / (
        m2 * lc2**2 + I2 - d2**2 / d1
    )
    ddtheta1 = -(d2 * ddtheta2 + phi1) / d1
    return np.array([dtheta1, dtheta2, ddtheta1, ddtheta2])


def acrobot_step(s, action):
    torque = [-1.0, 0.0, 1.0][action]
    y0 = np.array(s, dtype=np.float64)
    dt = 0.2
    k1 = acrobot_dsdt(y0, torque)
    k2 = acrobot_dsdt(y0 + dt / 2 * k1, torque)
    k3 = acrobot_dsdt(y0 + dt / 2 * k2, torque)
    k4 = acrobot_dsdt(y0 + dt * k3, torque)
    ns = list(y0 + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4))

    def wrap(x, lo, hi):
        while x > hi:
            x -= hi - lo
        while x < lo:
            x += hi - lo
        return x

    ns[0] = wrap(ns[0], -math.pi, math.pi)
    ns[1] = wrap(ns[1], -math.pi, math.pi)
    ns[2] = min(max(ns[2], -4 * math.pi), 4 * math.pi)
    ns[3] = min(max(ns[3], -9 * math.pi), 9 * math.pi)
    terminated = bool(-math.cos(ns[0]) - math.cos(ns[1] + ns[0]) > 1.0)
    return [float(v) for v in ns], (0.0 if terminated else -1.0), terminated


def acrobot_obs(s):
    return [math.cos(s[0]), math.sin(s[0]), math.cos(s[1]), math.sin(s[1]), s[2], s[3]]


# ---------------------------------------------------------------------------------------------------
# bsuite Catch: 10 x 5 board


def catch_step(s, action):
    ball_x, ball_y, paddle_x = s
    paddle_x = min(max(paddle_x + action - 1, 0), 4)
    ball_y += 1
    if ball_y == 9:
        return [ball_x, ball_y, paddle_x], (1.0 if paddle_x == ball_x else -1.0), True
    return [ball_x, ball_y, paddle_x], 0.0, False


def catch_obs(s):
    board = np.zeros((10, 5), dtype=np.float32)
    board[s[1], s[0]] = 1
    board[9, s[2]] = 1
    return board.ravel().tolist()


# ---------------------------------------------------------------------------------------------------

ENVS = {
    "CartPole-v1": (cartpole_step, cartpole_obs, 500, 2),
    "MountainCar-v0": (mountaincar_step, mountaincar_obs, 200, 3),
    "Acrobot-v1": (acrobot_step, acrobot_obs, 500, 3),
    "Catch": (catch_step, catch_obs, None, 3),
}


def rollout(name, start, actions):
    step, obs, limit, _ = ENVS[name]
    s = list(start)
    steps = []
    for t, a in enumerate(actions):
        s, r, terminated = step(s, a)
        truncated = limit is not None and t + 1 >= limit
        o = np.asarray(obs(s), dtype=np.float32).astype(np.float64).tolist()
        steps.append(
            {"action": a, "state": [float(v) for v in s], "observation": o, "reward": r,
             "terminated": terminated, "truncated": truncated}
        )
        if terminated or truncated:
            break
    return {"env": name, "start": [float(v) for v in start], "steps": steps}


def main():
    rng = np.random.default_rng(20261129)
    out = []
    # CartPole: alternating (long, reaches truncation only if it balances), random, constant push (falls fast)
    for start, actions in [
        ([0.01, -0.02, 0.03, 0.04], [t % 2 for t in range(500)]),
        ([-0.04, 0.03, -0.01, 0.02], rng.integers(0, 2, 500).tolist()),
        ([0.0, 0.0, 0.0, 0.0], [1] * 500),
        ([2.3, 1.0, 0.0, 0.0], [1] * 500),
    ]:
        out.append(rollout("CartPole-v1", start, actions))
    # CartPole truncation: a balancing controller (push toward the pole's lean) survives 500 steps
    s = [0.0, 0.0, 0.02, 0.0]
    acts = []
    cur = list(s)
    for _ in range(500):
        a = 1 if cur[2] + 0.5 * cur[3] + 0.01 * cur[0] + 0.1 * cur[1] > 0 else 0
        acts.append(a)
        cur, _, term = cartpole_step(cur, a)
        if term:
            break
    out.append(rollout("CartPole-v1", s, acts))
    # MountainCar: energy pumping (push with the velocity) reaches the goal; constant pushes time out
    s = [-0.5, 0.0]
    acts = []
    cur = list(s)
    for _ in range(200):
        a = 2 if cur[1] >= 0 else 0
        acts.append(a)
        cur, _, term = mountaincar_step(cur, a)
        if term:
            break
    out.append(rollout("MountainCar-v0", s, acts))
    out.append(rollout("MountainCar-v0", [-1.1, -0.05], [0] * 200))
    out.append(rollout("MountainCar-v0", [-0.45, 0.0], rng.integers(0, 3, 200).tolist()))
    # Acrobot: random torques, and a pumping policy (torque with the second joint's velocity) that reaches the line
    out.append(rollout("Acrobot-v1", [0.05, -0.03, 0.02, 0.01], rng.integers(0, 3, 500).tolist()))
    s = [0.01, 0.02, -0.03, 0.04]
    acts = []
    cur = list(s)
    for _ in range(500):
        a = 2 if cur[3] >= 0 else 0
        acts.append(a)
        cur, _, term = acrobot_step(cur, a)
        if term:
            break
    out.append(rollout("Acrobot-v1", s, acts))
    # Catch: a catch, a miss, a paddle pressed against both walls
    out.append(rollout("Catch", [2, 0, 2], [1] * 9))
    out.append(rollout("Catch", [0, 0, 2], [2] * 9))
    out.append(rollout("Catch", [0, 0, 2], [0] * 9))
    out.append(rollout("Catch", [4, 0, 2], [0, 2, 2, 2, 1, 2, 0, 2, 1]))
    path = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "rl_trajectories.json")
    with open(path, "w") as f:
        json.dump(out, f, separators=(",", ":"))
    for t in out:
        last = t["steps"][-1]
        print(f'{t["env"]:15s} {len(t["steps"]):4d} steps  terminated={last["terminated"]}  truncated={last["truncated"]}')


if __name__ == "__main__":
    main()
