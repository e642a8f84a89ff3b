import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapping } from 'node:module';

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
  let map: SourceMap | null | undefined;
  const sourceMap = () => {
    if (map === undefined) {
      try {
        map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
      } catch {
        map = null;
      }
    }
    return map;
  };
  const frameText = (frame: NodeJS.CallSite) => {
    const line = frame.getLineNumber();
    const column = frame.getColumnNumber();
    if (frame.getFileName() !== bundleFile || line === null || column === null)
      return String(frame);
    const entry = sourceMap()?.findEntry(line - 1, column - 1) as Partial<SourceMapping>;
    if (entry?.originalSource === undefined) return String(frame);
    const { originalSource, originalLine = 0, originalColumn = 0 } = entry;
    return located(frame, `${originalSource}:${originalLine + 1}:${originalColumn + 1}`);
  };
  Error.prepareStackTrace = (error: Error, frames: NodeJS.CallSite[]) =>
    [header(error), ...frames.map((frame) => `    at ${frameText(frame)}`)].join('\n');
}
