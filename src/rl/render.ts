import type { Env } from "./env.js";

/**
 * A self-contained HTML page that plays SVG frames (from `env.render("svg")`) as an animation, with a
 * play/pause button and a frame slider; no script or file outside the page. (No GIF: Strata ships no
 * GIF encoder, and a page needs none.)
 * @example
 * const env = new rl.Catch();
 * env.reset({ seed: 0 });
 * const frames = [env.render("svg")];
 * for (let i = 0; i < 9; i++) { env.step(1); frames.push(env.render("svg")); }
 * rl.framesToHtml(frames, { title: "Catch" }).startsWith("<!DOCTYPE html>"); // true
 */
export function framesToHtml(
  frames: readonly string[],
  options: { title?: string; fps?: number } = {},
): string {
  const title = (options.title ?? "Strata episode").replace(/</g, "&lt;");
  const fps = options.fps ?? 25;
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${title}</title>
<style>body{font-family:sans-serif;margin:2em}#f{min-height:240px}</style></head>
<body><h3>${title}</h3><div id="f"></div>
<p><button id="b">pause</button> <input id="s" type="range" min="0" max="${frames.length - 1}" value="0" style="width:300px"> <span id="n"></span></p>
<script>
const frames = ${JSON.stringify(frames)};
let i = 0, playing = true;
const f = document.getElementById("f"), s = document.getElementById("s"), n = document.getElementById("n");
function show() { f.innerHTML = frames[i]; s.value = i; n.textContent = "frame " + (i + 1) + " / " + frames.length; }
document.getElementById("b").onclick = (e) => { playing = !playing; e.target.textContent = playing ? "pause" : "play"; };
s.oninput = () => { i = +s.value; show(); };
setInterval(() => { if (playing) { i = (i + 1) % frames.length; show(); } }, ${Math.round(1000 / fps)});
show();
</script></body></html>
`;
}

/**
 * Plays one episode of `policy` (an action per observation) in `env` and returns its SVG frames, the
 * start state included, for `framesToHtml`. The environment must render "svg" (CartPole, Catch).
 * @example
 * const frames = rl.recordEpisode(new rl.Catch(), () => 1, { seed: 0 });
 * frames.length; // 10
 */
export function recordEpisode(
  env: Env,
  policy: (observation: Float32Array) => number,
  options: { seed?: number; maxSteps?: number } = {},
): string[] {
  const render = () => env.render?.("svg") ?? "";
  let { observation } = env.reset({ seed: options.seed });
  const frames = [render()];
  const maxSteps = options.maxSteps ?? 10000;
  for (let t = 0; t < maxSteps; t++) {
    const r = env.step(policy(observation));
    frames.push(render());
    observation = r.observation;
    if (r.terminated || r.truncated) break;
  }
  return frames;
}
