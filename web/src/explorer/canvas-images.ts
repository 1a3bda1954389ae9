// ImageData onto canvases: shown at the generator's own resolution (CSS scales it up, pixelated), and
// exported as a PNG upscaled by a whole factor.

export function draw(canvas: HTMLCanvasElement, img: ImageData): void {
  if (canvas.width !== img.width) canvas.width = img.width;
  if (canvas.height !== img.height) canvas.height = img.height;
  canvas.getContext('2d')!.putImageData(img, 0, 0);
}

export function canvasOf(img: ImageData, attrs: Record<string, string> = {}): HTMLCanvasElement {
  const c = document.createElement('canvas');
  for (const [k, v] of Object.entries(attrs)) c.setAttribute(k, v);
  draw(c, img);
  return c;
}

/** Downloads `img` as a PNG, upscaled (nearest neighbour) to at least `minSide` pixels. */
export function downloadPng(img: ImageData, fileName: string, minSide = 256): void {
  const f = Math.max(1, Math.ceil(minSide / Math.max(img.width, img.height)));
  const src = canvasOf(img);
  const out = document.createElement('canvas');
  out.width = img.width * f;
  out.height = img.height * f;
  const ctx = out.getContext('2d')!;
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(src, 0, 0, out.width, out.height);
  out.toBlob((blob) => {
    if (!blob) return;
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = fileName;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
  }, 'image/png');
}
