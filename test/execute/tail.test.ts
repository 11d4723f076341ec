import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MaskingDecoder, OutputTail } from '../../src/execute/tail.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');

describe('OutputTail keeps the last bytes written', () => {
  it('keeps everything while it fits', () => {
    const tail = new OutputTail(16);
    tail.write(bytes('hello '));
    tail.write(bytes('world'));
    expect(tail.snapshot()).toEqual({ text: 'hello world', droppedBytes: 0 });
  });

  it('keeps the last limit bytes across many small writes and counts the rest', () => {
    const tail = new OutputTail(5);
    for (const c of 'abcdefghij') tail.write(bytes(c));
    expect(tail.snapshot()).toEqual({ text: 'fghij', droppedBytes: 5 });
    expect(tail.totalBytes).toBe(10);
  });

  it('keeps the end of one write larger than the limit', () => {
    const tail = new OutputTail(4);
    tail.write(bytes('ab'));
    tail.write(bytes('0123456789'));
    expect(tail.snapshot()).toEqual({ text: '6789', droppedBytes: 8 });
  });

  it('equals the end of the whole output for any sequence of writes', () => {
    const ascii = fc.uint8Array({ max: 0x7f, maxLength: 40 });
    fc.assert(
      fc.property(fc.array(ascii), fc.integer({ min: 1, max: 64 }), (chunks, limit) => {
        const tail = new OutputTail(limit);
        for (const chunk of chunks) tail.write(Buffer.from(chunk));
        const all = Buffer.concat(chunks);
        const kept = all.subarray(Math.max(0, all.length - limit));
        expect(tail.snapshot()).toEqual({
          text: kept.toString('utf8'),
          droppedBytes: all.length - kept.length,
        });
      }),
    );
  });

  it('starts at a whole character when the cut falls inside one', () => {
    const tail = new OutputTail(5);
    tail.write(bytes('aé€x')); // 1 + 2 + 3 + 1 bytes; the last 5 start inside é
    expect(tail.snapshot()).toEqual({ text: '€x', droppedBytes: 3 });
  });

  it('keeps nothing but the count with a limit of 0', () => {
    const tail = new OutputTail(0);
    tail.write(bytes('abc'));
    expect(tail.snapshot()).toEqual({ text: '', droppedBytes: 3 });
  });
});

describe('OutputTail masks secrets', () => {
  it('replaces every occurrence, including overlapping secrets', () => {
    const tail = new OutputTail(100, ['hunter2', 'hunt', '']);
    tail.write(bytes('pw=hunter2 and hunt and hunter2!'));
    expect(tail.snapshot().text).toBe('pw=*** and *** and ***!');
  });

  it('masks a secret that the window edge cuts in two instead of showing its end', () => {
    const tail = new OutputTail(8, ['SECRET']);
    tail.write(bytes('xxSECRET-tail'));
    // The last 8 bytes are "RET-tail": they start inside the secret.
    expect(tail.snapshot()).toEqual({ text: '***-tail', droppedBytes: 5 });
  });

  it('masks a secret split across two writes', () => {
    const tail = new OutputTail(100, ['SECRET']);
    tail.write(bytes('a SEC'));
    tail.write(bytes('RET b'));
    expect(tail.snapshot().text).toBe('a *** b');
  });
});

describe('MaskingDecoder decodes live output chunk by chunk', () => {
  it('joins a character split across chunks', () => {
    const decoder = new MaskingDecoder();
    const euro = bytes('€');
    expect(decoder.write(euro.subarray(0, 1)) + decoder.write(euro.subarray(1)) + decoder.end()).toBe('€');
  });

  it('masks a secret split across chunks, holding back only what could start one', () => {
    const decoder = new MaskingDecoder(['SECRET']);
    expect(decoder.write(bytes('a SE'))).toBe('a ');
    expect(decoder.write(bytes('CRET b S'))).toBe('*** b ');
    expect(decoder.end()).toBe('S');
  });

  it('masks whatever way the output is cut', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 10 }), (cuts) => {
        const text = bytes('token SECRET, again SECRETSECRET, S, SE.');
        const decoder = new MaskingDecoder(['SECRET']);
        let out = '';
        let at = 0;
        for (const n of cuts) {
          out += decoder.write(text.subarray(at, at + n));
          at += n;
        }
        out += decoder.write(text.subarray(at)) + decoder.end();
        expect(out).toBe('token ***, again ******, S, SE.');
      }),
    );
  });
});
