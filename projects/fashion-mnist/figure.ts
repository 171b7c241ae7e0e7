/**
 * The pictures of this project, drawn as SVG (text and colour, which greyscale PNGs lack) and turned
 * into PNG by `plot.svgToPng`: a row-normalised confusion matrix and a grid of test images with their
 * predicted and true classes.
 */
import { type Tensor, io } from "strata-dl";

function escape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
}

/** One 28×28 image (values in [0, 1]) as a data-URI PNG that an SVG `<image>` can show. */
async function imageHref(pixels: Tensor): Promise<string> {
  const png = await io.encodePng(io.toImage(pixels.reshape([28, 28]), { min: 0, max: 1 }));
  return `data:image/png;base64,${Buffer.from(png).toString("base64")}`;
}

/** `counts[true][predicted]` as a heat map: each row scaled by its total, the share printed in %. */
export function confusionSvg(counts: number[][], names: string[]): string {
  const cell = 44;
  const left = 110;
  const top = 120;
  const n = names.length;
  const parts: string[] = [];
  const width = left + n * cell + 20;
  const height = top + n * cell + 50;
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="DejaVu Sans" font-size="12">`,
  );
  parts.push(
    `<text x="${left + (n * cell) / 2}" y="20" text-anchor="middle" font-size="15">predicted class</text>`,
  );
  for (let j = 0; j < n; j++) {
    const x = left + j * cell + cell / 2;
    parts.push(`<text transform="translate(${x + 4},${top - 8}) rotate(-60)">${escape(names[j])}</text>`);
  }
  parts.push(
    `<text transform="translate(16,${top + (n * cell) / 2}) rotate(-90)" text-anchor="middle" font-size="15">true class</text>`,
  );
  for (let i = 0; i < n; i++) {
    const total = counts[i].reduce((a, b) => a + b, 0) || 1;
    const y = top + i * cell;
    parts.push(`<text x="${left - 6}" y="${y + cell / 2 + 4}" text-anchor="end">${escape(names[i])}</text>`);
    for (let j = 0; j < n; j++) {
      const share = counts[i][j] / total;
      // the diagonal (right answers) in blue, confusions in red; the square root makes small shares visible
      const shade = Math.round(255 * (1 - Math.sqrt(share)));
      const fill = i === j ? `rgb(${shade},${shade},255)` : `rgb(255,${shade},${shade})`;
      parts.push(
        `<rect x="${left + j * cell}" y="${y}" width="${cell}" height="${cell}" fill="${fill}" stroke="#ccc"/>`,
      );
      if (counts[i][j] > 0) {
        const text = share >= 0.995 ? "100" : (100 * share).toFixed(share >= 0.1 ? 0 : 1);
        const colour = share > 0.5 ? "white" : "black";
        parts.push(
          `<text x="${left + j * cell + cell / 2}" y="${y + cell / 2 + 4}" text-anchor="middle" fill="${colour}">${text}</text>`,
        );
      }
    }
  }
  parts.push(
    `<text x="${left}" y="${top + n * cell + 30}">share of each true class (row) given each prediction, in %</text>`,
  );
  parts.push("</svg>");
  return parts.join("\n");
}

/** Test images in a grid, each captioned with its prediction; a wrong one in red with the truth below. */
export async function samplesSvg(
  images: Tensor[],
  predicted: number[],
  truth: number[],
  names: string[],
  columns = 8,
): Promise<string> {
  const size = 84;
  const cellW = 112;
  const cellH = size + 40;
  const rows = Math.ceil(images.length / columns);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${columns * cellW}" height="${rows * cellH + 10}" font-family="DejaVu Sans" font-size="11">`,
  ];
  for (let k = 0; k < images.length; k++) {
    const x = (k % columns) * cellW + (cellW - size) / 2;
    const y = Math.floor(k / columns) * cellH + 6;
    const ok = predicted[k] === truth[k];
    parts.push(
      `<image x="${x}" y="${y}" width="${size}" height="${size}" style="image-rendering:pixelated" href="${await imageHref(images[k])}"/>`,
    );
    const cx = x + size / 2;
    parts.push(
      `<text x="${cx}" y="${y + size + 14}" text-anchor="middle" fill="${ok ? "black" : "#c00"}">${escape(names[predicted[k]])}</text>`,
    );
    if (!ok)
      parts.push(
        `<text x="${cx}" y="${y + size + 28}" text-anchor="middle" fill="#555">(is ${escape(names[truth[k]])})</text>`,
      );
  }
  parts.push("</svg>");
  return parts.join("\n");
}
