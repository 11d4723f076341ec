/**
 * Where things are written in a plan's YAML source: key paths mapped to line and column, so every
 * diagnostic (schema errors, lint warnings) points at FILE:LINE:COL.
 */
import {
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  type Alias,
  type Document,
  type LineCounter,
  type Node as YamlNode,
  type Pair,
  type YAMLMap,
} from 'yaml';
import type { PathSegment } from './diagnostics.js';

/** A place in the YAML source, 1-based; the end is exclusive. */
export interface SourceSpan {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

export const DOCUMENT_START: SourceSpan = { line: 1, col: 1, endLine: 1, endCol: 1 };

/** Maps key paths (`['steps', 2, 'timeout']`) to where their key and value are written in the YAML source. */
export class PositionIndex {
  readonly #doc: Document;
  readonly #lines: LineCounter;
  readonly #pairIndex = new WeakMap<YAMLMap, Map<string, Pair>>();
  readonly #aliasTargets = new WeakMap<Alias, unknown>();

  constructor(doc: Document, lines: LineCounter) {
    this.#doc = doc;
    this.#lines = lines;
  }

  /** The document's top node; 1:1 when the document is empty. */
  root(): SourceSpan {
    return this.#span(this.#doc.contents) ?? DOCUMENT_START;
  }

  /** The key of a mapping entry (`timeout:`); for a list item, the item itself. */
  key(path: readonly PathSegment[]): SourceSpan | undefined {
    const entry = this.#find(path);
    if (!entry) return undefined;
    return this.#span(entry.key) ?? this.#span(entry.value);
  }

  /** The value node (a scalar, or the start of a mapping or list). */
  value(path: readonly PathSegment[]): SourceSpan | undefined {
    const entry = this.#find(path);
    return entry ? this.#span(entry.value) : undefined;
  }

  /**
   * Where to point a message about `path`: a written scalar value; otherwise (a mapping, a list, an
   * empty value) its key, which names it. Falls back to the nearest ancestor written in the source.
   */
  locate(path: readonly PathSegment[]): SourceSpan {
    for (let n = path.length; n >= 0; n--) {
      const entry = this.#find(path.slice(0, n));
      if (!entry) continue;
      const { key, value } = entry;
      if (value && (isScalar(value) || isAlias(value)) && !isEmptyScalar(value)) {
        const span = this.#span(value);
        if (span) return span;
      }
      const span = this.#span(key) ?? this.#span(value);
      if (span) return span;
    }
    return this.root();
  }

  /** Where a yaml node is written, if it was parsed from this source. */
  spanOf(node: unknown): SourceSpan | undefined {
    return isNode(node) ? this.#span(node) : undefined;
  }

  /** Offset → 1-based position. */
  at(offset: number): SourceSpan {
    const start = this.#lines.linePos(offset);
    return { line: start.line, col: start.col, endLine: start.line, endCol: start.col };
  }

  #span(node: YamlNode | null | undefined): SourceSpan | undefined {
    const range = node?.range;
    if (!range) return undefined;
    const start = this.#lines.linePos(range[0]);
    const end = this.#lines.linePos(range[1]);
    return { line: start.line, col: start.col, endLine: end.line, endCol: end.col };
  }

  #resolve(node: unknown): unknown {
    if (!isAlias(node)) return node;
    // An alias resolves to an anchored node written before it, never to another alias. Resolving scans
    // the document, hence the cache.
    if (!this.#aliasTargets.has(node)) this.#aliasTargets.set(node, node.resolve(this.#doc));
    return this.#aliasTargets.get(node);
  }

  #find(path: readonly PathSegment[]): { key?: YamlNode; value?: YamlNode } | undefined {
    let key: YamlNode | undefined;
    let value: unknown = this.#doc.contents;
    for (const segment of path) {
      const container = this.#resolve(value);
      if (isMap(container)) {
        const pair = this.#findPair(container, String(segment), 0);
        if (!pair) return undefined;
        key = isNode(pair.key) ? pair.key : undefined;
        value = pair.value;
      } else if (isSeq(container) && typeof segment === 'number') {
        if (segment >= container.items.length) return undefined;
        key = undefined;
        value = container.items[segment];
      } else return undefined;
    }
    return { key, value: isNode(value) ? value : undefined };
  }

  /** Built once per mapping: a plan may have many keys and every diagnostic looks one up. */
  #pairsByKey(map: YAMLMap): Map<string, Pair> {
    let index = this.#pairIndex.get(map);
    if (!index) {
      index = new Map();
      // Later pairs overwrite earlier ones, as in toJS.
      for (const pair of map.items) {
        const key = scalarKey(pair);
        if (key !== undefined) index.set(key, pair);
      }
      this.#pairIndex.set(map, index);
    }
    return index;
  }

  /** The pair that supplies `key`, as `toJS` sees it: the last written one, else one brought in by a `<<` merge. */
  #findPair(map: YAMLMap, key: string, depth: number): Pair | undefined {
    const own = this.#pairsByKey(map).get(key);
    if (own || depth > 8) return own;
    for (const pair of map.items) {
      if (scalarKey(pair) !== '<<') continue;
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      for (const source of sources) {
        const merged = this.#resolve(source);
        const found = isMap(merged) ? this.#findPair(merged, key, depth + 1) : undefined;
        if (found) return found;
      }
    }
    return undefined;
  }
}

export function scalarKey(pair: Pair): string | undefined {
  if (!isScalar(pair.key)) return undefined;
  // yaml marks a merge key with a symbol; its text is `<<`.
  const value = pair.key.value;
  return typeof value === 'symbol' ? (value.description ?? '<<') : String(value);
}

function isEmptyScalar(node: YamlNode): boolean {
  return isScalar(node) && node.value === null && (!node.range || node.range[0] === node.range[1]);
}
