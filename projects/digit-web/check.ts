/**
 * Drives the page in headless Chromium the way a person would: real mouse input (Chrome DevTools
 * Protocol `Input.dispatchMouseEvent`, so the browser turns it into pointer events), one stroke set per
 * digit, then reads the answer the page shows and takes a screenshot. The protocol runs over a pipe
 * (`--remote-debugging-pipe`: file descriptors 3 and 4, messages ending in a NUL byte), so no
 * WebSocket package is needed.
 */
import { spawn } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { CHROMIUM, profileFlags } from "../../scripts/chromium.js";

type Json = Record<string, unknown>;
/** A stroke: points in the canvas's own pixels (280 × 280), joined in order while the button is held. */
export type Stroke = [number, number][];

/** A 1, a 0 and a 7, drawn as a person might (a slight slant, an uneven oval). */
export const EASY_DIGITS: { digit: number; strokes: Stroke[] }[] = [
  { digit: 1, strokes: [line([150, 45], [132, 235], 12)] },
  { digit: 0, strokes: [oval(140, 140, 62, 92, 36)] },
  {
    digit: 7,
    strokes: [[...line([70, 60], [205, 55], 10), ...line([205, 55], [120, 235], 14).slice(1)]],
  },
];

function line(from: [number, number], to: [number, number], steps: number): Stroke {
  return Array.from({ length: steps + 1 }, (_, i): [number, number] => [
    from[0] + ((to[0] - from[0]) * i) / steps,
    from[1] + ((to[1] - from[1]) * i) / steps,
  ]);
}
function oval(cx: number, cy: number, rx: number, ry: number, steps: number): Stroke {
  // start at the top and go a little past the full turn so the ends meet
  return Array.from({ length: steps + 3 }, (_, i): [number, number] => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / steps;
    return [cx + rx * Math.cos(a), cy + ry * Math.sin(a)];
  });
}

class Cdp {
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: Json) => void; reject: (e: Error) => void }>();
  private buffer = "";
  readonly events: Json[] = [];
  constructor(
    private input: Writable,
    output: Readable,
  ) {
    output.on("data", (chunk: Buffer) => {
      this.buffer += chunk.toString("utf8");
      let end = this.buffer.indexOf("\0");
      while (end >= 0) {
        const message = JSON.parse(this.buffer.slice(0, end)) as Json;
        this.buffer = this.buffer.slice(end + 1);
        end = this.buffer.indexOf("\0");
        const waiting = typeof message.id === "number" ? this.pending.get(message.id) : undefined;
        if (waiting) {
          this.pending.delete(message.id as number);
          if (message.error) waiting.reject(new Error(JSON.stringify(message.error)));
          else waiting.resolve((message.result ?? {}) as Json);
        } else if (message.method) this.events.push(message);
      }
    });
  }
  send(method: string, params: Json = {}, sessionId?: string): Promise<Json> {
    const id = this.nextId++;
    this.input.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }
}

export interface CheckResult {
  /** What the page answered for each drawn digit, with its confidence. */
  answers: { drawn: number; predicted: number | null; confidence: number }[];
  /** Uncaught exceptions and console errors of the page. */
  pageErrors: string[];
  /** The page after the last digit, as PNG bytes. */
  screenshot: Uint8Array;
}

/** Opens `url` in headless Chromium, draws each digit (clearing in between) and reads the page's answers. */
export async function checkPage(url: string, digits = EASY_DIGITS): Promise<CheckResult> {
  const child = spawn(
    CHROMIUM,
    ["--headless", "--disable-gpu", "--remote-debugging-pipe", "--window-size=780,600", ...profileFlags()],
    { stdio: ["ignore", "ignore", "ignore", "pipe", "pipe"] },
  );
  const cdp = new Cdp(child.stdio[3] as Writable, child.stdio[4] as Readable);
  const timer = setTimeout(() => child.kill(), 180_000);
  try {
    const { targetId } = (await cdp.send("Target.createTarget", { url: "about:blank" })) as {
      targetId: string;
    };
    const { sessionId } = (await cdp.send("Target.attachToTarget", { targetId, flatten: true })) as {
      sessionId: string;
    };
    const page = (method: string, params: Json = {}) => cdp.send(method, params, sessionId);
    const evaluate = async (expression: string) =>
      (
        (await page("Runtime.evaluate", { expression, returnByValue: true, awaitPromise: true })) as {
          result: { value: unknown };
        }
      ).result.value;
    await page("Runtime.enable");
    await page("Page.enable");
    await page("Emulation.setDeviceMetricsOverride", {
      width: 780,
      height: 600,
      deviceScaleFactor: 1,
      mobile: false,
    });
    await page("Page.navigate", { url });
    const waitFor = async (expression: string, what: string) => {
      for (let i = 0; i < 1200; i++) {
        if (await evaluate(expression)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`the page did not get there within 120 s: ${what}`);
    };
    await waitFor("window.digitWeb?.ready === true || window.digitWeb?.error != null", "model loaded");
    const loadError = await evaluate("window.digitWeb.error");
    if (loadError) throw new Error(`the page could not load the model: ${loadError}`);
    const box = (await evaluate(
      "(() => { const r = document.getElementById('pad').getBoundingClientRect(); return [r.left, r.top, r.width / 280]; })()",
    )) as [number, number, number];
    const at = ([x, y]: [number, number]) => ({ x: box[0] + x * box[2], y: box[1] + y * box[2] });

    const answers: CheckResult["answers"] = [];
    for (const [k, { digit, strokes }] of digits.entries()) {
      if (k > 0) await evaluate("document.getElementById('clear').click()");
      const before = (await evaluate("window.digitWeb.predictions")) as number;
      for (const stroke of strokes) {
        const mouse = (type: string, p: [number, number]) =>
          page("Input.dispatchMouseEvent", { type, ...at(p), button: "left", buttons: 1, clickCount: 1 });
        await mouse("mousePressed", stroke[0]);
        for (const p of stroke.slice(1)) await mouse("mouseMoved", p);
        await mouse("mouseReleased", stroke[stroke.length - 1]);
      }
      await waitFor(
        `window.digitWeb.predictions >= ${before + strokes.length}`,
        `a prediction for the ${digit}`,
      );
      const { digit: predicted, probabilities } = (await evaluate("window.digitWeb")) as {
        digit: number | null;
        probabilities: number[];
      };
      answers.push({
        drawn: digit,
        predicted,
        confidence: predicted === null ? 0 : probabilities[predicted],
      });
    }
    const { data } = (await page("Page.captureScreenshot", { format: "png" })) as { data: string };
    const pageErrors = cdp.events.flatMap((e) => {
      const p = e.params as Json;
      if (e.method === "Runtime.exceptionThrown")
        return [JSON.stringify((p.exceptionDetails as Json)?.exception ?? p)];
      if (e.method === "Runtime.consoleAPICalled" && p.type === "error")
        return [(p.args as { value?: unknown }[]).map((a) => String(a.value)).join(" ")];
      return [];
    });
    return { answers, pageErrors, screenshot: Buffer.from(data, "base64") };
  } finally {
    clearTimeout(timer);
    child.kill();
  }
}
