/** A position in an original source file; line and column count from 0, as in source maps. */
export interface OriginalPosition {
  readonly source: string;
  readonly line: number;
  readonly column: number;
}

/** The parts of a version 3 source map that locate a generated position. */
export interface SourceMapPayload {
  readonly sources: readonly string[];
  readonly mappings: string;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGITS = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) DIGITS[BASE64.charCodeAt(i)] = i;
const COMMA = 44;
const SEMICOLON = 59;

/**
 * A lookup from generated (line, column) to the original position, decoding the map's VLQ
 * mappings only as far as the lines asked for and remembering where each line starts. Node's
 * own `SourceMap` decodes every mapping into objects up front, which for a Lambda bundle's map
 * costs hundreds of milliseconds on a busy machine; this costs one pass over the text at most.
 */
export function sourceMapLookup(map: SourceMapPayload) {
  const { mappings, sources } = map;
  // Offset in `mappings` where each generated line starts, and the running source, line and
  // column (they carry over from line to line) at that offset.
  const starts = [0];
  const states = [[0, 0, 0]];
  let at = 0;

  const vlq = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      const digit = DIGITS[mappings.charCodeAt(at++)] ?? -1;
      if (digit < 0) throw new SyntaxError('Malformed source map mappings');
      result += (digit & 31) << shift;
      shift += 5;
      if ((digit & 32) === 0) break;
    }
    return result & 1 ? -(result >>> 1) : result >>> 1;
  };

  /** Decodes the segments of the line starting at `at`; calls `visit` with each one's state. */
  const decodeLine = (state: number[], visit?: (generatedColumn: number) => boolean) => {
    let generatedColumn = 0;
    while (at < mappings.length) {
      const code = mappings.charCodeAt(at);
      if (code === SEMICOLON) return;
      if (code === COMMA) {
        at++;
        continue;
      }
      generatedColumn += vlq();
      const next = mappings.charCodeAt(at);
      if (at < mappings.length && next !== COMMA && next !== SEMICOLON) {
        state[0] = (state[0] as number) + vlq();
        state[1] = (state[1] as number) + vlq();
        state[2] = (state[2] as number) + vlq();
        const after = mappings.charCodeAt(at);
        if (at < mappings.length && after !== COMMA && after !== SEMICOLON) vlq();
        if (visit?.(generatedColumn) === false) return;
      }
    }
  };

  const startOf = (line: number) => {
    while (starts.length <= line) {
      at = starts.at(-1) as number;
      const state = [...(states.at(-1) as number[])];
      decodeLine(state);
      if (at >= mappings.length) return undefined;
      starts.push(++at);
      states.push(state);
    }
    return { offset: starts[line] as number, state: [...(states[line] as number[])] };
  };

  return (line: number, column: number): OriginalPosition | undefined => {
    const start = startOf(line);
    if (!start) return undefined;
    at = start.offset;
    let found: number[] | undefined;
    decodeLine(start.state, (generatedColumn) => {
      if (generatedColumn > column) return false;
      found = [...start.state];
      return true;
    });
    const source = found && sources[found[0] as number];
    return found && source !== undefined
      ? { source, line: found[1] as number, column: found[2] as number }
      : undefined;
  };
}
