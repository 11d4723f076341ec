import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  breakCommentOpeners,
  clip,
  clipStart,
  codeSpan,
  escapeHtml,
  escapeInline,
  escapedLengthAtLeast,
  escapeText,
  fencedBlock,
  fencedLengthAtLeast,
  fitByCutting,
  neutralizeMentions,
  omissionNote,
  plainMarkdown,
  revealInvisible,
  table,
  truncate,
} from '../../src/render/markdown.js';
import { PAYLOADS } from './fixtures.js';
import { liveText, scanFences, tableCells } from '../support/markdown-structure.js';

const LIVE_MENTION = /@[A-Za-z0-9]/;
/** `](` that is not escaped: what turns `[text]` into a link or an image. */
const LIVE_LINK = /(?<!\\)\]\(/;

describe('escapeText keeps plan text from becoming markup', () => {
  it('turns HTML tags into entities', () => {
    const out = escapeText('<script>alert(1)</script> <img src=x onerror=alert(1)> </details>');
    expect(out).not.toMatch(/<[a-z/]/i);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('&lt;/details&gt;');
  });

  it('escapes ampersands so that entities in the plan show as typed', () => {
    expect(escapeText('&lt;b&gt; & co')).toBe('&amp;lt;b&amp;gt; &amp; co');
  });

  it('never lets an HTML comment open', () => {
    expect(escapeText('<!-- proceed-state -->')).not.toContain('<!--');
  });

  it('makes links and images inert', () => {
    const out = escapeText(
      '[click](javascript:alert(1)) ![x](https://evil.example/x.png) <https://evil.example>',
    );
    expect(out).not.toMatch(LIVE_LINK);
    expect(out).toContain('\\[click\\](javascript:alert(1))');
    expect(out).toContain('!\\[x\\]');
    expect(out).not.toContain('<https');
  });

  it('escapes emphasis, code, table, strikethrough and math characters', () => {
    expect(escapeText('*a* _b_ `c` a|b ~~d~~ $x$ \\')).toBe(
      '\\*a\\* \\_b\\_ \\`c\\` a\\|b \\~\\~d\\~\\~ \\$x\\$ \\\\',
    );
  });

  it('escapes block markers at the start of every line and drops indentation', () => {
    const out = escapeText('# Heading\n- item\n+ item\n1. item\n2) item\n===\n    indented\n> quote');
    expect(out.split('\n')).toEqual([
      '\\# Heading',
      '\\- item',
      '\\+ item',
      '1\\. item',
      '2\\) item',
      '\\===',
      'indented',
      '&gt; quote',
    ]);
  });

  it('keeps line breaks and blank lines, normalising CRLF', () => {
    expect(escapeText('one\r\ntwo\n\nthree')).toBe('one\ntwo\n\nthree');
  });

  it('neutralizes every mention', () => {
    const out = escapeText('ping @octocat, @github/security-team and mail@example.com');
    expect(out).not.toMatch(LIVE_MENTION);
    expect(out).toContain('@\u200Boctocat');
    expect(out).toContain('@\u200Bgithub/security-team');
  });

  it('leaves no live markup for any payload', () => {
    for (const payload of PAYLOADS) {
      const out = escapeText(payload);
      expect(out, payload).not.toMatch(/<[a-z!/]/i);
      expect(out, payload).not.toMatch(LIVE_MENTION);
      expect(out, payload).not.toMatch(LIVE_LINK);
      expect(scanFences(out).fences, payload).toEqual([]);
      for (const line of out.split('\n'))
        expect(line, payload).not.toMatch(/^(#|-|\+|\d+\.|>| {4}|`{3}|~{3})/);
    }
  });
});

describe('escapeInline puts plan text on one line', () => {
  it('joins lines with a space', () => {
    expect(escapeInline('a\n  b\r\nc')).toBe('a b c');
  });

  it('escapes pipes so a table cell cannot end early', () => {
    expect(tableCells(`| ${escapeInline('a | b\n| c |')} | x |`)).toHaveLength(2);
  });
});

describe('escapeHtml is for text inside raw HTML', () => {
  it('uses entities only, since GitHub shows backslashes literally inside HTML', () => {
    expect(escapeHtml('<b>"x" & \'y\'</b> *z*')).toBe(
      '&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt; *z*',
    );
  });

  it('turns link brackets and backticks into entities too', () => {
    expect(escapeHtml('[a](javascript:b) `c`')).toBe('&#91;a&#93;(javascript:b) &#96;c&#96;');
  });

  it('cannot close the summary or details around it, nor mention anyone', () => {
    const out = escapeHtml('</summary></details>\n@octocat <!--');
    expect(out).not.toContain('<');
    expect(out).not.toContain('\n');
    expect(out).not.toMatch(LIVE_MENTION);
  });
});

describe('neutralizeMentions', () => {
  it('inserts a zero-width space after @ when a name follows', () => {
    expect(neutralizeMentions('@a @org/team @ x')).toBe('@\u200Ba @\u200Borg/team @ x');
  });
});

describe('revealInvisible shows what could hide or reorder text', () => {
  it('names bidi overrides and control characters', () => {
    expect(revealInvisible('a\u202Eb\u2066c\u0000d\u001b[31m\u007f')).toBe(
      'a⟨U+202E⟩b⟨U+2066⟩c⟨U+0000⟩d⟨U+001B⟩[31m⟨U+007F⟩',
    );
  });

  it('keeps tabs and newlines, turns CRLF into LF and shows a lone CR', () => {
    expect(revealInvisible('a\tb\r\nc\rd')).toBe('a\tb\nc⟨U+000D⟩d');
  });
});

describe('codeSpan', () => {
  it('uses a delimiter longer than any backtick run inside', () => {
    expect(codeSpan('a `b` c ``d`` e')).toBe('```a `b` c ``d`` e```');
  });

  it('pads text that starts or ends with a backtick', () => {
    expect(codeSpan('`x`')).toBe('`` `x` ``');
  });

  it('is never empty, which Markdown would show as backticks', () => {
    expect(codeSpan('')).toBe('` `');
  });

  it('escapes pipes inside tables only', () => {
    expect(codeSpan('a|b', { inTable: true })).toBe('`a\\|b`');
    expect(codeSpan('a|b')).toBe('`a|b`');
  });

  it('breaks comment openers and joins lines', () => {
    const out = codeSpan('echo <!--\nx');
    expect(out).not.toContain('<!--');
    expect(out).not.toContain('\n');
  });
});

describe('fencedBlock keeps any text inside its fence', () => {
  for (const payload of [...PAYLOADS, '``````', 'a\n   ````````\nb', '~~~~~~\n```']) {
    it(`holds ${JSON.stringify(payload.slice(0, 40))}`, () => {
      const block = fencedBlock(payload, 'bash');
      const scan = scanFences(`${block}\nafter`);
      expect(scan.unclosed).toBe(false);
      expect(scan.fences).toHaveLength(1);
      expect(scan.fences[0]!.info).toBe('bash');
      expect(scan.fences[0]!.body).toBe(breakCommentOpeners(revealInvisible(payload)));
      expect(scan.outside).toEqual(['after']);
    });
  }

  it('uses three backticks when the code has none', () => {
    expect(fencedBlock('npm test')).toBe('```\nnpm test\n```');
  });

  it('never contains an HTML comment opener', () => {
    expect(fencedBlock('echo "<!-- proceed -->"')).not.toContain('<!--');
  });
});

describe('truncate cuts raw text visibly', () => {
  it('leaves short text alone', () => {
    expect(truncate('short', 10)).toBe('short');
  });

  it('says how much is missing, with thousands separators', () => {
    const out = truncate('x'.repeat(20_000), 1_235);
    expect(out).toBe(`${'x'.repeat(1_235)}\n… 18,765 more characters, see the plan file`);
  });

  it('ends with a bare ellipsis when compact', () => {
    expect(truncate('abcdef ', 4, { compact: true })).toBe('abcd…');
  });

  it('never splits a surrogate pair', () => {
    const { text, omitted } = clip('ab😀cd', 3);
    expect(text).toBe('ab');
    expect(omitted).toBe(4);
  });
});

describe('clipStart keeps the end of a log', () => {
  it('keeps the last characters and counts the rest', () => {
    expect(clipStart('0123456789', 3)).toEqual({ text: '789', omitted: 7 });
  });

  it('never starts inside a surrogate pair', () => {
    expect(clipStart('ab😀cd', 3).text).toBe('cd');
  });
});

describe('omissionNote', () => {
  it('names the unit and where to look', () => {
    expect(omissionNote(1234, 'steps')).toBe('… 1,234 more steps, see the plan file');
  });
});

describe('table', () => {
  it('aligns columns and joins cells', () => {
    expect(table(['#', 'Step'], ['right', 'left'], [['1', 'a']])).toBe(
      '| # | Step |\n| ---: | --- |\n| 1 | a |',
    );
  });
});

describe('fitByCutting, the last resort', () => {
  const body = Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n');

  it('stays within the limit and keeps the tail whole', () => {
    const out = fitByCutting(body, 500, '### How to proceed\n');
    expect(out.length).toBeLessThanOrEqual(500);
    expect(out.endsWith('### How to proceed\n')).toBe(true);
    expect(out).toContain('cut to fit');
    expect(out.startsWith('line 0\nline 1\n')).toBe(true);
  });

  it('cuts at a line boundary', () => {
    const out = fitByCutting(body, 500, '');
    const kept = out.split('\n\n')[0]!;
    expect(body.startsWith(`${kept}\n`)).toBe(true);
  });

  it('still fits when even the tail is too long', () => {
    expect(fitByCutting(body, 10, 'x'.repeat(50))).toHaveLength(10);
  });
});

describe('escaping in one pass', () => {
  it('escapes as replacing each kind of character in turn does', () => {
    // HTML's characters first, then backslashes before markup: no replacement makes what a later one matches.
    const inTurn = (t: string) =>
      t
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/[\\`*_[\]|~$]/g, '\\$&');
    const line = fc
      .array(fc.oneof(fc.constantFrom(...'&<>\\`*_[]|~$#+=-1.) @\tx'), fc.string({ maxLength: 2 })), {
        maxLength: 30,
      })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(line, (t) => {
        // One line (printable ASCII), not starting with what only a line's start escapes, no mentions.
        const mid = `x${t.replace(/[\n@]/g, '')}`;
        expect(escapeText(mid)).toBe(inTurn(mid));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('the length bounds are never more than what escaping and fencing produce', () => {
  // Mostly what escaping removes (carriage returns, indentation, trailing newlines), so that a bound
  // counting any of it would pass the real length.
  const text = fc
    .array(
      fc.oneof(
        fc.constantFrom(
          '\r',
          '\r\n',
          '\n',
          ' ',
          '\t',
          '\n  \t',
          '\r\n\r\n',
          'a',
          '`',
          '<!--',
          '@x',
          '\u202E',
        ),
        fc.string({ unit: 'binary', maxLength: 3 }),
      ),
      { maxLength: 200 },
    )
    .map((parts) => parts.join(''));

  it('escapedLengthAtLeast, also with the note truncate appends', () => {
    fc.assert(
      fc.property(text, fc.nat({ max: 300 }), (t, max) => {
        expect(escapedLengthAtLeast(t)).toBeLessThanOrEqual(escapeText(t).length);
        expect(escapedLengthAtLeast(clip(t, max).text)).toBeLessThanOrEqual(
          escapeText(truncate(t, max)).length,
        );
      }),
      { numRuns: 500 },
    );
  });

  it("escapedLengthAtLeast, for plan authors' plain Markdown too", () => {
    const markdown = fc
      .array(
        fc.oneof(
          text,
          fc.constantFrom('`x`', '``', '**b**', '_e_', '- ', '1. ', '  * ', '[a](https://e.x/a)', '-    x'),
        ),
        {
          maxLength: 40,
        },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(markdown, (t) => {
        expect(escapedLengthAtLeast(t)).toBeLessThanOrEqual(plainMarkdown(t).length);
      }),
      { numRuns: 500 },
    );
  });

  it('fencedLengthAtLeast', () => {
    fc.assert(
      fc.property(text, fc.constantFrom('', 'bash', 'powershell'), (t, language) => {
        expect(fencedLengthAtLeast(t, language)).toBeLessThanOrEqual(fencedBlock(t, language).length);
      }),
      { numRuns: 500 },
    );
  });

  it('are exact for text that escaping and fencing keep as it is', () => {
    expect(escapedLengthAtLeast('plain words\nand more')).toBe(escapeText('plain words\nand more').length);
    expect(fencedLengthAtLeast('make test\nmake lint', 'sh')).toBe(
      fencedBlock('make test\nmake lint', 'sh').length,
    );
  });

  it('count what reading one character at a time counts, up to the first count past `enough`', () => {
    // The definitions, character by character.
    const escaped = (t: string, enough: number) => {
      let kept = 0;
      let lineStart = true;
      for (let i = 0; i < t.length && kept <= enough; i++) {
        const c = t[i];
        if (c === '\r' || (lineStart && (c === ' ' || c === '\t'))) continue;
        kept++;
        lineStart = c === '\n';
      }
      return kept;
    };
    const fenced = (t: string, language: string, enough: number) => {
      const code = t.replace(/[\r\n]+$/, '');
      let kept = 8 + language.length;
      for (let i = 0; i < code.length && kept <= enough; i++) if (code[i] !== '\r') kept++;
      return kept;
    };
    const spaced = fc
      .array(fc.constantFrom('\r', '\n', '\r\n', ' ', '\t', 'x', 'yz', '  - a', '\u00e9'), { maxLength: 60 })
      .map((parts) => parts.join(''));
    const enough = fc.oneof(
      fc.integer({ min: -3, max: 80 }),
      fc.double({ min: -2, max: 60, noNaN: true }),
      fc.constant(Infinity),
      fc.constant(Number.NaN),
    );
    fc.assert(
      fc.property(fc.oneof(text, spaced), enough, fc.constantFrom('', 'sh'), (t, n, language) => {
        expect(escapedLengthAtLeast(t, n)).toBe(escaped(t, n));
        expect(fencedLengthAtLeast(t, language, n)).toBe(fenced(t, language, n));
      }),
      { numRuns: 2000 },
    );
  });

  it('stop counting once past `enough`', () => {
    expect(escapedLengthAtLeast('x'.repeat(1000), 10)).toBe(11);
    expect(fencedLengthAtLeast('x'.repeat(1000), 'sh', 20)).toBe(21);
    expect(escapedLengthAtLeast('short', 10)).toBe(5);
  });
});

describe('the structure reader used by these tests', () => {
  it('finds live markup outside code', () => {
    expect(liveText('a `<b>` c\n```\n<script>\n```\n<i>')).toBe('a \u0000 c\n<i>');
  });
});

describe('plainMarkdown: what plan authors write in a description', () => {
  it('renders code spans, emphasis, http(s) links and lists as Markdown', () => {
    expect(plainMarkdown('Run `node main.mjs NAME` once, **carefully** and _slowly_.')).toBe(
      'Run `node main.mjs NAME` once, **carefully** and _slowly_.',
    );
    expect(plainMarkdown('See [the runbook](https://example.com/run_book?a=1&b=2).')).toBe(
      'See [the runbook](https://example.com/run_book?a=1&b=2).',
    );
    expect(plainMarkdown('- one `a`\n  - nested *b*\n1. first\n2) second')).toBe(
      '- one `a`\n  - nested *b*\n1. first\n2) second',
    );
    expect(plainMarkdown('`` a ` b `` and ```x```')).toBe('`` a ` b `` and ```x```');
  });

  it('keeps HTML, mentions, markers, headings, quotes, tables and images inert', () => {
    const out = plainMarkdown(
      '# Heading\n> quote\n<b>bold</b> <!-- proceed-state: {} --> @octocat @org/team\na | b\n![x](https://evil.example/x.png)',
    );
    expect(out).not.toContain('<b>');
    expect(out).not.toContain('<!--');
    expect(out).not.toMatch(LIVE_MENTION);
    expect(out.split('\n')[0]).toBe('\\# Heading');
    expect(out.split('\n')[1]).toBe('&gt; quote');
    expect(out).toContain('a \\| b');
    expect(out).toContain('\\![x](https://evil.example/x.png)');
  });

  it('links only http(s) URLs without credentials or markup; every other link stays text', () => {
    for (const link of [
      '[x](javascript:alert(1))',
      '[x](data:text/html,hi)',
      '[x](http://user:pw@evil.example)',
      '[x](https://e.x/a b)',
      '[x](https://e.x/<script>)',
      '[x](ftp://e.x/)',
    ])
      expect(plainMarkdown(link), link).not.toMatch(LIVE_LINK);
  });

  it('keeps the markup inert inside code spans and link texts', () => {
    expect(plainMarkdown('`<!-- x --> @octocat`')).toBe('`<\u200B!-- x --> @octocat`');
    expect(plainMarkdown('[@octocat <b>](https://github.com)')).toBe(
      '[@\u200Boctocat &lt;b&gt;](https://github.com)',
    );
    expect(plainMarkdown('an `unclosed code span')).toBe('an \\`unclosed code span');
  });

  it('lets no payload of the injection corpus through', () => {
    for (const payload of PAYLOADS) {
      const out = plainMarkdown(payload);
      const live = liveText(out);
      expect(out, payload).not.toContain('<!--');
      expect(live, payload).not.toMatch(/<\/?[a-z]/i);
      expect(live, payload).not.toMatch(LIVE_MENTION);
      expect(live, payload).not.toMatch(/(?<!\\)!\[/);
      expect(scanFences(out).fences, payload).toHaveLength(0);
    }
  });
});
