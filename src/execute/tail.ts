import { StringDecoder } from 'node:string_decoder';

/** What replaces a secret in output. */
export const SECRET_MASK = '***';

/** Secrets as the byte strings they appear as in output, longest first; empty ones mean nothing. */
function secretBytes(secrets: readonly string[]): Buffer[] {
  return [...new Set(secrets)]
    .filter((s) => s.length > 0)
    .map((s) => Buffer.from(s, 'utf8'))
    .sort((a, b) => b.length - a.length);
}

function isContinuationByte(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

/**
 * The last `limit` bytes of a process's output, in constant memory whatever it prints: a ring
 * buffer of `limit` bytes plus the length of the longest secret, so that a secret cut in half by
 * the window's edge can still be recognised and masked instead of leaking its second half.
 */
export class OutputTail {
  private readonly ring: Buffer;
  private readonly secrets: Buffer[];
  private writeAt = 0;
  private size = 0;
  private total = 0;

  constructor(
    private readonly limit: number,
    secrets: readonly string[] = [],
  ) {
    this.secrets = secretBytes(secrets);
    const margin = this.secrets[0]?.length ?? 0;
    this.ring = Buffer.alloc(Math.max(0, limit) + margin);
  }

  /** Bytes written so far. */
  get totalBytes(): number {
    return this.total;
  }

  write(chunk: Buffer): void {
    this.total += chunk.length;
    const capacity = this.ring.length;
    if (capacity === 0 || chunk.length === 0) return;
    if (chunk.length >= capacity) {
      chunk.copy(this.ring, 0, chunk.length - capacity);
      this.writeAt = 0;
      this.size = capacity;
      return;
    }
    const first = Math.min(chunk.length, capacity - this.writeAt);
    chunk.copy(this.ring, this.writeAt, 0, first);
    chunk.copy(this.ring, 0, first);
    this.writeAt = (this.writeAt + chunk.length) % capacity;
    this.size = Math.min(capacity, this.size + chunk.length);
  }

  /**
   * The tail decoded as UTF-8, secrets replaced by `***`, starting at a character boundary, and
   * how many bytes of output came before it.
   */
  snapshot(): { text: string; droppedBytes: number } {
    const raw =
      this.size < this.ring.length
        ? this.ring.subarray(0, this.size)
        : Buffer.concat([this.ring.subarray(this.writeAt), this.ring.subarray(0, this.writeAt)]);
    let cut = Math.max(0, raw.length - Math.max(0, this.limit));
    if (cut > 0 || this.total > raw.length) {
      // The window may start inside a multi-byte character: begin at the next whole one.
      for (let i = 0; i < 3 && isContinuationByte(raw[cut]); i++) cut++;
    }
    const masked = this.maskedRanges(raw);
    const parts: Buffer[] = [];
    let at = cut;
    while (at < raw.length) {
      let end = at;
      const inSecret = masked[at] === 1;
      while (end < raw.length && (masked[end] === 1) === inSecret) end++;
      parts.push(inSecret ? Buffer.from(SECRET_MASK) : raw.subarray(at, end));
      at = end;
    }
    return { text: Buffer.concat(parts).toString('utf8'), droppedBytes: this.total - (raw.length - cut) };
  }

  /** 1 for every byte of `raw` that belongs to an occurrence of a secret. */
  private maskedRanges(raw: Buffer): Uint8Array {
    const masked = new Uint8Array(raw.length);
    for (const secret of this.secrets) {
      for (let i = raw.indexOf(secret); i !== -1; i = raw.indexOf(secret, i + 1)) {
        masked.fill(1, i, i + secret.length);
      }
    }
    return masked;
  }
}

/**
 * Decodes one output stream chunk by chunk for live display, masking secrets even when a chunk
 * boundary cuts one in two: the end of a chunk that could be the start of a secret is held back
 * until the next chunk tells.
 */
export class MaskingDecoder {
  private readonly decoder = new StringDecoder('utf8');
  private readonly secrets: string[];
  private carry = '';

  constructor(secrets: readonly string[] = []) {
    this.secrets = secretBytes(secrets).map((s) => s.toString('utf8'));
  }

  write(chunk: Buffer): string {
    return this.release(this.carry + this.decoder.write(chunk), false);
  }

  /** Whatever is still held back, at the end of the stream. */
  end(): string {
    return this.release(this.carry + this.decoder.end(), true);
  }

  private release(text: string, final: boolean): string {
    let masked = text;
    for (const secret of this.secrets) masked = masked.replaceAll(secret, SECRET_MASK);
    const hold = final ? 0 : this.heldBack(masked);
    this.carry = masked.slice(masked.length - hold);
    return masked.slice(0, masked.length - hold);
  }

  /**
   * Length of the longest end of `text` that is the beginning of a secret. Only the places where
   * a secret's first character occurs are tried, so a long secret (a PEM key) costs no more than
   * a short one on ordinary output.
   */
  private heldBack(text: string): number {
    let longest = 0;
    for (const secret of this.secrets) {
      const from = Math.max(0, text.length - (secret.length - 1));
      for (let i = text.indexOf(secret[0]!, from); i !== -1; i = text.indexOf(secret[0]!, i + 1)) {
        if (text.length - i <= longest) break;
        if (secret.startsWith(text.slice(i))) {
          longest = text.length - i;
          break;
        }
      }
    }
    return longest;
  }
}
