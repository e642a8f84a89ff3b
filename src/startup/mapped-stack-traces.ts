import { readFileSync } from 'node:fs';
import { type OriginalPosition, sourceMapLookup } from './source-map-lookup.js';

function header(error: Error): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return 'Error';
  }
}

function located(frame: NodeJS.CallSite, where: string): string {
  const name = frame.getFunctionName() ?? frame.getMethodName();
  const prefix = frame.isAsync() ? 'async ' : frame.isConstructor() ? 'new ' : '';
  return name ? `${prefix}${name} (${where})` : `${prefix}${where}`;
}

/**
 * Formats every stack trace with the frames of `bundleFile` mapped to their source file and
 * line through its source map, like `--enable-source-maps`, but without its start-up cost: the
 * map is read and parsed only when the first stack trace is formatted (V8 formats `error.stack`
 * lazily, when something reads it, e.g. a log line). Without a readable map, frames stay as they
 * are.
 */
export function mapStackTraces(bundleFile: string, mapFile: string): void {
  let lookup: ((line: number, column: number) => OriginalPosition | undefined) | null | undefined;
  const original = (line: number, column: number) => {
    if (lookup === undefined) {
      try {
        lookup = sourceMapLookup(JSON.parse(readFileSync(mapFile, 'utf8')));
      } catch {
        lookup = null;
      }
    }
    try {
      return lookup?.(line, column);
    } catch {
      return undefined;
    }
  };
  const frameText = (frame: NodeJS.CallSite) => {
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    if (frame.getFileName() !== bundleFile || line === null || column === null)
      return String(frame);
    const position = original(line - 1, column - 1);
    if (!position) return String(frame);
    return located(frame, `${position.source}:${position.line + 1}:${position.column + 1}`);
  };
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) =>
    [header(error), ...frames.map((frame) => `    at ${frameText(frame)}`)].join('\n');
}
