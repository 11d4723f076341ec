import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COMMANDS, parseComment, type ParsedComment } from '../../src/gate/commands.js';

const md = (...lines: string[]) => lines.join('\n');
const command = (name: string, line = 1, args = ''): ParsedComment => ({
  kind: 'command',
  command: name as never,
  line,
  args,
});
const NONE: ParsedComment = { kind: 'none' };

describe('a command line', () => {
  it.each(COMMANDS)('recognizes /%s alone on a line', (name) => {
    expect(parseComment(`/${name}`)).toEqual(command(name));
  });

  it('ignores case', () => {
    expect(parseComment('/PROCEED')).toEqual(command('proceed'));
    expect(parseComment('/Retry')).toEqual(command('retry'));
    expect(parseComment('/rollBACK')).toEqual(command('rollback'));
  });

  it('tolerates leading spaces and a leading tab in ordinary text', () => {
    expect(parseComment('   /proceed')).toEqual(command('proceed'));
    expect(parseComment(md('Looks good.', '\t/proceed'))).toEqual(command('proceed', 2));
    expect(parseComment(md('Looks good.', '        /proceed'))).toEqual(command('proceed', 2));
  });

  it('tolerates CRLF and CR line ends and reports the 1-based line', () => {
    expect(parseComment('thanks\r\n\r\n/proceed\r\n')).toEqual(command('proceed', 3));
    expect(parseComment('thanks\r/retry\r')).toEqual(command('retry', 2));
  });

  it('keeps the trimmed rest of the line as args', () => {
    expect(parseComment('/proceed   with care  \r\n')).toEqual(command('proceed', 1, 'with care'));
    expect(parseComment('/cancel\tno longer needed')).toEqual(command('cancel', 1, 'no longer needed'));
  });

  it('accepts any whitespace after the command, a non-breaking space included', () => {
    expect(parseComment('/proceed\u00a0now')).toEqual(command('proceed', 1, 'now'));
  });

  it('ignores a byte order mark at the start of the body', () => {
    expect(parseComment('\uFEFF/proceed')).toEqual(command('proceed'));
  });

  it('finds a command after other text, in the middle of a longer comment', () => {
    expect(parseComment(md('Reviewed the risks, they are fine.', '', '/proceed', '', 'Thanks!'))).toEqual(
      command('proceed', 3),
    );
  });

  it('counts a command in a list item continuation or a raw HTML block such as <details>', () => {
    expect(parseComment(md('- first point', '  /proceed'))).toEqual(command('proceed', 2));
    expect(parseComment(md('<details>', '/proceed', '</details>'))).toEqual(command('proceed', 2));
  });
});

describe('a command must start the line and end at whitespace', () => {
  it.each([
    ['mid-sentence', 'please /proceed'],
    ['in inline code', '`/proceed`'],
    ['in double quotes', '"/proceed"'],
    ['in typographic quotes', '\u201c/proceed\u201d'],
    ['after a list marker', '- /proceed'],
    ['after an ordered list marker', '1. /proceed'],
    ['in a heading', '# /proceed'],
    ['escaped', '\\/proceed'],
    ['struck through', '~~/proceed~~'],
    ['in bold', '**/proceed**'],
    ['after a zero-width space', '\u200b/proceed'],
    ['as part of a path', '/proceed-later/x/y/z/long/path'],
  ])('does not count a command %s', (_, body) => {
    expect(parseComment(body)).toEqual(NONE);
  });

  it('refuses a command with letters attached, with a suggestion', () => {
    expect(parseComment('/proceeds')).toEqual({
      kind: 'invalid',
      line: 1,
      message: '`/proceeds` is not a command; did you mean `/proceed`? (`/help` lists them)',
    });
  });

  it('refuses a command with punctuation attached, saying how to write it', () => {
    expect(parseComment(md('ok', '/proceed.'))).toEqual({
      kind: 'invalid',
      line: 2,
      message: '`/proceed.` is not a command: write `/proceed` followed by a space or the end of the line',
    });
    expect(parseComment('/help?')).toMatchObject({
      kind: 'invalid',
      message: expect.stringContaining('write `/help`'),
    });
  });
});

describe('typos of our commands', () => {
  it.each([
    ['/procede', 'proceed'],
    ['/porceed', 'proceed'],
    ['/PROCED', 'proceed'],
    ['/retyr', 'retry'],
    ['/rety', 'retry'],
    ['/cancle', 'cancel'],
    ['/rollbakc', 'rollback'],
    ['/hlep', 'help'],
    ['/plna', 'plan'],
    ['/skpi', 'skip'],
  ])('answers %s with "did you mean /%s"', (typo, meant) => {
    const parsed = parseComment(`${typo} please`);
    expect(parsed).toEqual({
      kind: 'invalid',
      line: 1,
      message: `\`${typo}\` is not a command; did you mean \`/${meant}\`? (\`/help\` lists them)`,
    });
  });

  it.each([
    '/deploy',
    '/cc @octocat',
    '/hold',
    '/lgtm',
    '/approve',
    '/assign',
    '/retest',
    '/',
    '//',
    '/usr/bin/env',
  ])('leaves other slash words alone: %s', (body) => {
    expect(parseComment(body)).toEqual(NONE);
  });

  it('shows a typo containing backticks in a code span it cannot break out of', () => {
    const parsed = parseComment('/proceed`');
    expect(parsed.kind).toBe('invalid');
    if (parsed.kind === 'invalid') expect(parsed.message.startsWith('`` /proceed` ``')).toBe(true);
  });
});

describe('one command per comment', () => {
  it('counts the first line when the same command is repeated', () => {
    expect(parseComment(md('/proceed first', '/PROCEED second'))).toEqual(command('proceed', 1, 'first'));
  });

  it('refuses two different commands, naming both', () => {
    expect(parseComment(md('/proceed', 'then later', '/cancel'))).toEqual({
      kind: 'invalid',
      line: 3,
      message:
        'this comment gives both `/proceed` (line 1) and `/cancel` (line 3); write one command per comment',
    });
  });

  it('refuses a comment that also holds a typo of a command', () => {
    expect(parseComment(md('/proceed', '/retyr'))).toMatchObject({ kind: 'invalid', line: 2 });
  });

  it('ignores a second command that is only quoted', () => {
    expect(parseComment(md('> /cancel', '', '/proceed'))).toEqual(command('proceed', 3));
  });
});

describe('fenced code blocks', () => {
  it.each([
    ['backticks', md('```', '/proceed', '```')],
    ['tildes', md('~~~', '/proceed', '~~~')],
    ['an info string', md('```sh', '/proceed', '```')],
    ['a fence indented by three spaces', md('   ```', '/proceed', '   ```')],
    ['a longer fence with a shorter one inside', md('`````', '```', '/proceed', '```', '`````')],
    ['a tilde fence with a backtick fence inside', md('~~~~', '```', '/proceed', '~~~~')],
    ['an unclosed fence, which runs to the end', md('text', '```', '/proceed', '', 'more')],
    ['a fence in a list item', md('- steps:', '  ```', '  /proceed', '  ```')],
    ['a fence right after a paragraph line', md('Try this:', '```', '/proceed', '```')],
  ])('ignores a command inside %s', (_, body) => {
    expect(parseComment(body)).toEqual(NONE);
  });

  it('counts a command after the fence closes', () => {
    expect(parseComment(md('```', '/cancel', '```', '/proceed'))).toEqual(command('proceed', 4));
  });

  it('closes a fence only with the same character, at least as long, and nothing after it', () => {
    expect(parseComment(md('````', '```', '/proceed'))).toEqual(NONE);
    expect(parseComment(md('```', '~~~', '/proceed'))).toEqual(NONE);
    expect(parseComment(md('```', '``` not a close', '/proceed'))).toEqual(NONE);
    expect(parseComment(md('```', '```   ', '/proceed'))).toEqual(command('proceed', 3));
  });

  it('does not take four-space-indented backticks for a fence', () => {
    expect(parseComment(md('    ```', '/proceed'))).toEqual(command('proceed', 2));
  });

  it('does not take backticks with a backtick in the info string for a fence', () => {
    expect(parseComment(md('```a`', '/proceed'))).toEqual(command('proceed', 2));
  });

  it('ends a fence opened in a block quote when the quote ends', () => {
    expect(parseComment(md('> ```', '> /cancel', '/proceed'))).toEqual(command('proceed', 3));
  });

  it('ends a fence opened in a list item when the item ends', () => {
    expect(parseComment(md('- ```', '  code', '', '/proceed'))).toEqual(command('proceed', 4));
  });
});

describe('indented code blocks', () => {
  it('ignores a command indented four spaces after a blank line', () => {
    expect(parseComment(md('Output:', '', '    /proceed'))).toEqual(NONE);
  });

  it('ignores a command indented four spaces at the start of the comment, or by a tab', () => {
    expect(parseComment('    /proceed')).toEqual(NONE);
    expect(parseComment('\t/proceed')).toEqual(NONE);
  });

  it('keeps the block going over blank lines and ends it at a less indented line', () => {
    expect(parseComment(md('    code', '', '    /cancel', '/proceed'))).toEqual(command('proceed', 4));
  });

  it('counts indentation from the content of a list item', () => {
    expect(parseComment(md('- item', '', '    /proceed'))).toEqual(command('proceed', 3));
    expect(parseComment(md('- item', '', '      /proceed'))).toEqual(NONE);
  });
});

describe('block quotes', () => {
  it.each([
    ['a quote', '> /proceed'],
    ['a quote without a space', '>/proceed'],
    ['an indented quote', '   > /proceed'],
    ['a nested quote', '> > /proceed'],
    ['a nested quote written tightly', '>>/proceed'],
    ['a lazy continuation line of a quote', md('> I think we should', '/proceed')],
    ['a lazy continuation line of a nested quote', md('> > deep', '/proceed')],
    ['an email reply', md('On Mon, 1 Jan 2024, Alice wrote:', '', '> /proceed', '>', '> thanks')],
    ['a quote inside a list item', md('- > /proceed')],
  ])('ignores a command in %s', (_, body) => {
    expect(parseComment(body)).toEqual(NONE);
  });

  it('counts a command after a blank line ends the quote', () => {
    expect(parseComment(md('> /cancel', '', '/proceed'))).toEqual(command('proceed', 3));
  });

  it('counts a command after a quote that ends in a blank quoted line', () => {
    expect(parseComment(md('> you said', '>', '/proceed'))).toEqual(command('proceed', 3));
  });

  it('counts a command after a quote whose last line is a fenced code line (no lazy continuation)', () => {
    expect(parseComment(md('> ```', '> code', '/proceed'))).toEqual(command('proceed', 3));
  });
});

describe('HTML', () => {
  it.each([
    ['a one-line comment', '<!-- /proceed -->'],
    ['a multi-line comment', md('<!--', '/proceed', '-->')],
    ['a comment spanning blank lines', md('<!--', '', '/proceed', '', '-->')],
    ['a comment opened mid-paragraph', md('note <!-- hidden', '/proceed', '--> shown')],
    ['an unclosed comment block', md('<!--', '/proceed')],
    ['a <pre> block', md('<pre>', '/proceed', '</pre>')],
    ['a <blockquote> element', md('<blockquote>', '', '/proceed', '', '</blockquote>')],
    ['inline <code> over lines', md('see <code>', '/proceed', '</code>')],
  ])('ignores a command in %s', (_, body) => {
    expect(parseComment(body)).toEqual(NONE);
  });

  it('counts a command after the comment closes', () => {
    expect(parseComment(md('<!--', '/cancel', '-->', '/proceed'))).toEqual(command('proceed', 4));
  });

  it('is not thrown off by a tag that is never closed or that is only shown as code', () => {
    expect(parseComment(md('I changed the <pre> handling.', '', '/proceed'))).toEqual(command('proceed', 3));
    expect(
      parseComment(md('Use `<blockquote>` here', '', '/proceed', '', 'and `</blockquote>` there')),
    ).toEqual(command('proceed', 3));
  });

  it('treats an unclosed comment in a paragraph as text once the paragraph ends', () => {
    expect(parseComment(md('a <!-- b', '', '/proceed'))).toEqual(command('proceed', 3));
  });
});

describe('inline code spans over several lines', () => {
  it('ignores a line that starts inside a code span', () => {
    expect(parseComment(md('run `npm test', '/proceed` first'))).toEqual(NONE);
    expect(parseComment(md('run ``a ` b', '/proceed``'))).toEqual(NONE);
  });

  it('counts the line when the backticks are never closed', () => {
    expect(parseComment(md('a stray ` backtick', '/proceed'))).toEqual(command('proceed', 2));
  });

  it('counts the line when the opening backtick is escaped', () => {
    expect(parseComment(md('a \\`literal', '/proceed', 'and `code`'))).toEqual(command('proceed', 2));
  });

  it('counts the line when a span of another length does not close it', () => {
    expect(parseComment(md('a ``b', '/proceed `c'))).toEqual(command('proceed', 2, '`c'));
  });
});

describe('properties', () => {
  const markdownish = fc
    .array(
      fc.constantFrom(
        '/proceed',
        '/cancel',
        '/retyr',
        '`',
        '```',
        '~~~',
        '> ',
        '<!--',
        '-->',
        '<pre>',
        '</pre>',
        '- ',
        '1. ',
        '    ',
        '\t',
        '\n',
        '\r\n',
        'text ',
        '\\',
        '"',
      ),
      { maxLength: 40 },
    )
    .map((parts) => parts.join(''));

  it('never throws, and a command it reports starts its line', () => {
    fc.assert(
      fc.property(markdownish, (body) => {
        const parsed = parseComment(body);
        if (parsed.kind === 'command') {
          const line = body.split(/\r\n|\r|\n/)[parsed.line - 1] ?? '';
          expect(line.trimStart().toLowerCase().startsWith(`/${parsed.command}`)).toBe(true);
        }
      }),
    );
  });

  it('finds nothing in a body whose every line is quoted', () => {
    fc.assert(
      fc.property(markdownish, (body) => {
        const quoted = body
          .split(/\r\n|\r|\n/)
          .map((line) => `> ${line}`)
          .join('\n');
        expect(parseComment(quoted)).toEqual(NONE);
      }),
    );
  });

  it('finds nothing in a body wrapped in a fence longer than any backtick run in it', () => {
    fc.assert(
      fc.property(markdownish, (body) => {
        const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
        const fence = '`'.repeat(Math.max(3, longest + 1));
        expect(parseComment(`${fence}\n${body}\n${fence}`)).toEqual(NONE);
      }),
    );
  });
});

describe('bodies of GitHub’s maximum size', () => {
  const N = 65_536;
  const fill = (unit: string) => unit.repeat(Math.ceil(N / unit.length)).slice(0, N);
  const shapes: Record<string, string> = {
    'backticks only': fill('`'),
    'backtick runs of many lengths': fill('`a``b```c\n'),
    'unclosed comment openers': fill('<!--'),
    'comment openers on every line': fill('<!-- x\n'),
    'deeply nested quotes': fill('> '),
    'deeply nested list items then blank lines': fill('1. ').slice(0, N / 2) + '\n'.repeat(N / 2),
    'quoting tags on every line': fill('<code>\n'),
    'fences on every line': fill('```\n'),
    'typos on every line': fill('/procede\n'),
    'one long slash word': '/' + fill('a'),
    tabs: fill('\t'),
    'raw HTML lines': fill('<div>\n'),
    'one long line of text': fill('word '),
  };

  it.each(Object.entries(shapes))('parses %s quickly', (_, body) => {
    const started = performance.now();
    parseComment(body);
    // A quadratic or exponential scan takes minutes on these bodies; a loaded machine takes seconds at most.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('finds a command on the last line of a maximal body', () => {
    const body = fill('Lorem ipsum dolor sit amet.\n').slice(0, N - 10) + '\n/proceed';
    const lines = body.split('\n').length;
    expect(parseComment(body)).toEqual(command('proceed', lines));
  });
});

describe('commands GitHub shows no line of (issue 12, attack 10)', () => {
  it.each([
    ['a link reference title over several lines', md('[ok]: https://example.com "title', '/proceed', '"')],
    ["a link reference's destination on the next line", md('[ok]:', '/proceed')],
    ['a link reference title in parentheses', md('[ok]: /x (', '/proceed', ')')],
    [
      "a single-quoted link reference title after the paragraph's first definition",
      md('[a]: /a', "[b]: /b '", '/proceed', "'"),
    ],
    ['a multi-line HTML attribute', md('see <a title="', '/proceed', '">here</a>')],
    ['a processing instruction block', md('<?x', '/proceed', '?>')],
    ['a declaration block', md('<!X', '/proceed', '>')],
    ['a CDATA block', md('<![CDATA[', '/proceed', ']]>')],
    ['an inline processing instruction', md('text <?x', '/proceed', '?>')],
  ])('ignores a command inside %s', (_what, body) => {
    expect(parseComment(body)).toEqual(NONE);
  });

  it.each([
    ['after a one-line link reference definition', md('[ok]: https://example.com', '/proceed'), 2],
    ['after a closed multi-line attribute', md('see <a title="x">here</a>', '/proceed'), 2],
    ['after a one-line processing instruction block', md('<?x ?>', '/proceed'), 2],
    ['after a bracket that is no definition', md('[not a definition', '/proceed'), 2],
    ['that no attribute name can start with', md('see <img', '/proceed', 'src=x>'), 2],
  ])('still sees a command %s', (_what, body, line) => {
    expect(parseComment(body)).toEqual(command('proceed', line));
  });
});
