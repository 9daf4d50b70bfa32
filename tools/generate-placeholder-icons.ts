/**
 * Writes the placeholder icons the desktop app and its installers use: a coloured disc with a
 * white downward arrow ("drop"), as plain PNG files encoded here with node:zlib, no image library.
 *
 * - build/icons/icon.png (1024 px): electron-builder derives the Windows .ico, the macOS
 *   .icns and the Linux sizes from it.
 * - assets/tray/tray-<health>.png (32 px) and @2x (64 px): one per overall health
 *   (ok green, working blue, waiting amber, paused grey, attention orange).
 *
 * Real artwork replaces these files under the same names (docs/deployment.md, "Branding").
 * Run: node tools/generate-placeholder-icons.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

type Rgb = readonly [number, number, number];

const root = fileURLToPath(new URL('..', import.meta.url));

/** The tray colours, one per overall health. */
const trayColours: Record<string, Rgb> = {
  ok: [46, 160, 67],
  working: [31, 111, 235],
  waiting: [191, 135, 0],
  paused: [110, 118, 129],
  attention: [219, 109, 40],
};

/** An RGBA PNG of a disc with an arrow, size × size pixels. */
export function drawIcon(size: number, colour: Rgb): Buffer {
  const rows: Buffer[] = [];
  const centre = (size - 1) / 2;
  const radius = size * 0.47;
  for (let y = 0; y < size; y += 1) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0, then RGBA pixels
    for (let x = 0; x < size; x += 1) {
      const distance = Math.hypot(x - centre, y - centre);
      const alpha = Math.max(0, Math.min(1, radius - distance + 0.5));
      const u = (x - centre) / size;
      const v = (y - centre) / size;
      const isArrow =
        (Math.abs(u) < 0.07 && v > -0.28 && v < 0.08) ||
        (v >= 0.02 && v < 0.26 && Math.abs(u) < 0.24 - v + 0.02);
      const [red, green, blue] = isArrow ? [255, 255, 255] : colour;
      row.writeUInt8(red, 1 + x * 4);
      row.writeUInt8(green, 2 + x * 4);
      row.writeUInt8(blue, 3 + x * 4);
      row.writeUInt8(Math.round(alpha * 255), 4 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(6, 9); // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(body));
  return Buffer.concat([length, body, crc]);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  const write = (file: string, png: Buffer) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, png);
    console.log(`wrote ${path.relative(root, file)}`);
  };
  write(path.join(root, 'build', 'icons', 'icon.png'), drawIcon(1024, [31, 111, 235]));
  for (const [health, colour] of Object.entries(trayColours)) {
    write(path.join(root, 'assets', 'tray', `tray-${health}.png`), drawIcon(32, colour));
    write(path.join(root, 'assets', 'tray', `tray-${health}@2x.png`), drawIcon(64, colour));
  }
}
