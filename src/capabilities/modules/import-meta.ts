// `import.meta.url` for a module: the engine leaves import.meta empty, so it is set at the start of the module's
// first line (no line is added, so line numbers in stack traces stay right).

export function withImportMetaUrl(source: string, path: string): string {
  const url = `file://${path.startsWith("/") ? "" : "/"}${encodeURI(path)}`;
  return `import.meta.url=${JSON.stringify(url)};${source}`;
}
