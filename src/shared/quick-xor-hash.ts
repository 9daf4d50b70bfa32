// Microsoft's quickXorHash, the content hash that OneDrive for Business and SharePoint report in
// `driveItem.file.hashes.quickXorHash`.
//
// Definition (https://learn.microsoft.com/onedrive/developer/code-snippets/quickxorhash): a
// 160-bit block starts at zero; input byte i is XORed into it rotated left by (i * 11) mod 160
// bits, where bit k of the block is bit (k mod 8) of block byte floor(k / 8) (little-endian);
// finally the 64-bit little-endian input length is XORed into the last 8 bytes (12..19), and the
// 20 bytes are reported in base64.
//
// Speed: because 11 * 160 is a multiple of 160, every byte whose stream position is congruent
// modulo 160 lands at the same rotation. So `update` only XOR-folds the input into 160 buckets
// (one per position modulo 160), 4 bytes at a time through a Uint32Array view, and the rotations
// are applied once, to 160 buckets, in `digest`. That is one 32-bit XOR per 4 input bytes.

/** Width of the hash in bytes (160 bits). */
const WIDTH_BYTES = 20;
/** Number of rotation buckets: stream positions repeat their rotation every 160 bytes. */
const BUCKETS = 160;
const BUCKET_WORDS = BUCKETS / 4;
const SHIFT_BITS = 11;

/**
 * Incremental quickXorHash over byte chunks.
 *
 * Feed chunks in stream order with `update` (any sizes, any split points: the result equals
 * hashing the concatenation at once), then read the base64 digest with `digest`, which does not
 * change the state, so a running hash can be read and continued. Pure TypeScript, no Node
 * built-ins; hashes well over 1 GB/s on Node 24 for chunks of 64 KiB and more.
 */
export class QuickXorHash {
  /**
   * Four fold accumulators of 160 bytes each. Accumulator `d` holds, at byte index `b`, the XOR of
   * all input bytes whose stream position p satisfies (p - d) mod 160 === b; word-aligned input is
   * folded into the accumulator whose `d` equals the stream position of an aligned word mod 4.
   */
  readonly #folds = new ArrayBuffer(BUCKETS * 4);
  readonly #foldBytes = new Uint8Array(this.#folds);
  readonly #foldWords = new Uint32Array(this.#folds);
  /** Total number of bytes hashed so far. Exact up to 2^53 bytes (8 PiB). */
  #lengthBytes = 0;

  /** Number of bytes hashed so far. */
  get lengthBytes(): number {
    return this.#lengthBytes;
  }

  /**
   * Add the next chunk of the stream; returns this, for chaining.
   *
   * The chunk is read, never kept or modified.
   */
  update(chunk: Uint8Array): this {
    const length = chunk.length;
    const bytes = this.#foldBytes;
    let position = this.#lengthBytes % BUCKETS;
    let index = 0;

    // Head: single bytes until the input address is 4-byte aligned (at most 3 bytes).
    const misalignment = (4 - (chunk.byteOffset % 4)) % 4;
    const headEnd = Math.min(length, misalignment);
    for (; index < headEnd; index++) {
      bytes[position] = (bytes[position] ?? 0) ^ (chunk[index] ?? 0);
      position = position === BUCKETS - 1 ? 0 : position + 1;
    }

    // Body: whole 32-bit words, folded into the accumulator for this phase.
    const wordCount = (length - index) >>> 2;
    if (wordCount > 0) {
      const words = new Uint32Array(chunk.buffer, chunk.byteOffset + index, wordCount);
      const phase = position % 4;
      const fold = this.#foldWords;
      const base = phase * BUCKET_WORDS;
      let word = (position - phase) / 4;
      let next = 0;
      // Until the fold wraps to word 0, then in whole rounds of 40 words, then the rest.
      while (word !== 0 && next < wordCount) {
        fold[base + word] = (fold[base + word] ?? 0) ^ (words[next++] ?? 0);
        word = word === BUCKET_WORDS - 1 ? 0 : word + 1;
      }
      const roundsEnd = next + Math.floor((wordCount - next) / BUCKET_WORDS) * BUCKET_WORDS;
      for (; next < roundsEnd; next += BUCKET_WORDS) {
        for (let offset = 0; offset < BUCKET_WORDS; offset++) {
          fold[base + offset] = (fold[base + offset] ?? 0) ^ (words[next + offset] ?? 0);
        }
      }
      for (; next < wordCount; next++) {
        fold[base + word] = (fold[base + word] ?? 0) ^ (words[next] ?? 0);
        word++;
      }
      index += wordCount * 4;
      position = (position + wordCount * 4) % BUCKETS;
    }

    // Tail: the last 0..3 bytes.
    for (; index < length; index++) {
      bytes[position] = (bytes[position] ?? 0) ^ (chunk[index] ?? 0);
      position = position === BUCKETS - 1 ? 0 : position + 1;
    }

    this.#lengthBytes += length;
    return this;
  }

  /** An independent copy of this running hash (to try a chunk and keep or drop its effect). */
  clone(): QuickXorHash {
    const copy = new QuickXorHash();
    copy.#foldBytes.set(this.#foldBytes);
    copy.#lengthBytes = this.#lengthBytes;
    return copy;
  }

  /** The 20 raw hash bytes of everything hashed so far. */
  digestBytes(): Uint8Array {
    // Merge the four fold accumulators into one bucket per stream position modulo 160.
    const buckets = new Uint8Array(BUCKETS);
    for (let phase = 0; phase < 4; phase++) {
      for (let index = 0; index < BUCKETS; index++) {
        const position = (index + phase) % BUCKETS;
        buckets[position] =
          (buckets[position] ?? 0) ^ (this.#foldBytes[phase * BUCKETS + index] ?? 0);
      }
    }
    // Rotate each bucket into place: position p sits at bit offset (p * 11) mod 160.
    const result = new Uint8Array(WIDTH_BYTES);
    for (let position = 0; position < BUCKETS; position++) {
      const value = buckets[position] ?? 0;
      if (value === 0) continue;
      const bitOffset = (position * SHIFT_BITS) % (WIDTH_BYTES * 8);
      const byteIndex = bitOffset >>> 3;
      const bitShift = bitOffset & 7;
      result[byteIndex] = (result[byteIndex] ?? 0) ^ ((value << bitShift) & 0xff);
      if (bitShift !== 0) {
        const carryIndex = (byteIndex + 1) % WIDTH_BYTES;
        result[carryIndex] = (result[carryIndex] ?? 0) ^ (value >>> (8 - bitShift));
      }
    }
    // XOR the 64-bit little-endian length into the last 8 bytes.
    let length = this.#lengthBytes;
    for (let index = WIDTH_BYTES - 8; index < WIDTH_BYTES; index++) {
      result[index] = (result[index] ?? 0) ^ (length % 256);
      length = Math.floor(length / 256);
    }
    return result;
  }

  /** The base64 digest of everything hashed so far, as Graph reports it (28 characters). */
  digest(): string {
    return encodeBase64(this.digestBytes());
  }
}

/**
 * The quickXorHash of one whole byte array, in base64.
 *
 * Same as `new QuickXorHash().update(bytes).digest()`.
 */
export function quickXorHash(bytes: Uint8Array): string {
  return new QuickXorHash().update(bytes).digest();
}

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding; small and dependency-free (src/shared has no Buffer). */
function encodeBase64(bytes: Uint8Array): string {
  let text = '';
  for (let index = 0; index < bytes.length; index += 3) {
    const first = bytes[index] ?? 0;
    const second = bytes[index + 1];
    const third = bytes[index + 2];
    const triple = (first << 16) | ((second ?? 0) << 8) | (third ?? 0);
    text += BASE64_ALPHABET[(triple >>> 18) & 63];
    text += BASE64_ALPHABET[(triple >>> 12) & 63];
    text += second === undefined ? '=' : BASE64_ALPHABET[(triple >>> 6) & 63];
    text += third === undefined ? '=' : BASE64_ALPHABET[triple & 63];
  }
  return text;
}
