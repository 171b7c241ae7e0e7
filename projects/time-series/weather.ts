/**
 * The Seattle weather series: reading the CSV, turning days into forecasting windows, and the two naive
 * forecasts the network has to beat. Plain arrays only; main.ts makes tensors of them.
 */
import { existsSync, readFileSync } from "node:fs";
import { data } from "strata-dl";

/** Where Debian's `python3-vega-datasets` puts the file. */
export const DEFAULT_CSV = "/usr/lib/python3/dist-packages/vega_datasets/_data/seattle-weather.csv";

/** One day of the series: the date and the four measured columns. */
export interface Day {
  date: string; // "2012-01-01"
  year: number;
  dayOfYear: number; // 0..365
  tempMax: number; // °C
  tempMin: number; // °C
  precipitation: number; // mm
  wind: number; // m/s
}

/** Reads the CSV (columns date, precipitation, temp_max, temp_min, wind, weather), one row per day. */
export function readWeather(path: string): Day[] {
  if (!existsSync(path)) {
    throw new Error(
      `seattle-weather.csv not found at ${path}. Install Debian's python3-vega-datasets, or download ` +
        "https://raw.githubusercontent.com/vega/vega-datasets/main/data/seattle-weather.csv and pass " +
        "its path as the first argument or in SEATTLE_WEATHER_CSV.",
    );
  }
  const csv = data.parseCsv(readFileSync(path, "utf8"));
  const col = (name: string) => {
    const j = csv.columns.indexOf(name);
    if (j < 0) throw new Error(`${path}: no column "${name}" (columns: ${csv.columns.join(", ")})`);
    return j;
  };
  const [iDate, iMax, iMin, iRain, iWind] = ["date", "temp_max", "temp_min", "precipitation", "wind"].map(
    col,
  );
  const days = csv.rows.map((row) => {
    const date = row[iDate].replaceAll("/", "-");
    const t = Date.parse(`${date}T00:00:00Z`);
    const year = Number(date.slice(0, 4));
    return {
      date,
      year,
      dayOfYear: Math.round((t - Date.UTC(year, 0, 1)) / 86_400_000),
      tempMax: Number(row[iMax]),
      tempMin: Number(row[iMin]),
      precipitation: Number(row[iRain]),
      wind: Number(row[iWind]),
    };
  });
  // the windows below assume one row per consecutive day
  for (let i = 1; i < days.length; i++) {
    const gap = (Date.parse(days[i].date) - Date.parse(days[i - 1].date)) / 86_400_000;
    if (gap !== 1)
      throw new Error(`${path}: ${days[i - 1].date} is followed by ${days[i].date}, not the next day`);
  }
  return days;
}

/** The inputs of one window: the last `window` days' four measurements, then the season of the issue day. */
export function windowFeatures(days: Day[], t: number, window: number): number[] {
  const x: number[] = [];
  for (let k = t - window + 1; k <= t; k++) {
    const d = days[k];
    // rain is skewed (most days 0, a few 50 mm): log1p keeps the wet days from dominating
    x.push(d.tempMax, d.tempMin, Math.log1p(d.precipitation), d.wind);
  }
  const angle = (2 * Math.PI * days[t].dayOfYear) / 365.25;
  x.push(Math.sin(angle), Math.cos(angle));
  return x;
}

/**
 * Forecasting examples issued on day t (inputs: days t − window + 1 … t) for temp_max on days
 * t + 1 … t + horizon, for every t whose first target day lies in `year`; all targets stay inside the data.
 */
export function makeExamples(days: Day[], year: number, window: number, horizon: number) {
  const x: number[][] = [];
  const y: number[][] = [];
  const issued: number[] = [];
  for (let t = window - 1; t + horizon < days.length; t++) {
    if (days[t + 1].year !== year) continue;
    x.push(windowFeatures(days, t, window));
    y.push(Array.from({ length: horizon }, (_, h) => days[t + 1 + h].tempMax));
    issued.push(t);
  }
  return { x, y, issued };
}

/** Persistence: every future day will be as warm as the issue day. */
export function persistence(days: Day[], issued: number[], horizon: number): number[][] {
  return issued.map((t) => Array.from({ length: horizon }, () => days[t].tempMax));
}

/** Seasonal naive: each target day will be as warm as the same day one year (365 days) earlier. */
export function seasonalNaive(days: Day[], issued: number[], horizon: number): number[][] {
  return issued.map((t) => Array.from({ length: horizon }, (_, h) => days[t + 1 + h - 365].tempMax));
}

/** Mean absolute error and root mean squared error of each horizon (column). */
export function errorsByHorizon(pred: number[][], truth: number[][]): { mae: number[]; rmse: number[] } {
  const horizon = truth[0].length;
  const mae = new Array<number>(horizon).fill(0);
  const rmse = new Array<number>(horizon).fill(0);
  for (let i = 0; i < truth.length; i++) {
    for (let h = 0; h < horizon; h++) {
      const e = pred[i][h] - truth[i][h];
      mae[h] += Math.abs(e);
      rmse[h] += e * e;
    }
  }
  return { mae: mae.map((s) => s / truth.length), rmse: rmse.map((s) => Math.sqrt(s / truth.length)) };
}
