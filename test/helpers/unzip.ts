// Reads a zip archive (an MCP bundle) into a directory, with Node's zlib: stored and deflated files, checked
// against their CRC-32. Enough for the archives scripts/zip.mjs writes; not zip64, not encrypted.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { crc32, inflateRawSync } from "node:zlib";

/** Writes every file of `archive` under `dir`; returns the names, as the archive has them. */
export function unzip(archive: Buffer, dir: string): string[] {
  const end = archive.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error("unzip: no end of central directory");
  const count = archive.readUInt16LE(end + 10);
  let at = archive.readUInt32LE(end + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (archive.readUInt32LE(at) !== 0x02014b50) throw new Error(`unzip: bad central header at ${at}`);
    const method = archive.readUInt16LE(at + 10);
    const crc = archive.readUInt32LE(at + 16);
    const packed = archive.readUInt32LE(at + 20);
    const nameLength = archive.readUInt16LE(at + 28);
    const skip = archive.readUInt16LE(at + 30) + archive.readUInt16LE(at + 32);
    const local = archive.readUInt32LE(at + 42);
    const name = archive.toString("utf8", at + 46, at + 46 + nameLength);
    at += 46 + nameLength + skip;

    if (archive.readUInt32LE(local) !== 0x04034b50) throw new Error(`unzip: bad local header for ${name}`);
    const start = local + 30 + archive.readUInt16LE(local + 26) + archive.readUInt16LE(local + 28);
    const body = archive.subarray(start, start + packed);
    if (method !== 0 && method !== 8) throw new Error(`unzip: ${name}: compression method ${method}`);
    const data = method === 8 ? inflateRawSync(body) : body;
    if (crc32(data) !== crc) throw new Error(`unzip: ${name}: CRC mismatch`);
    const path = normalize(join(dir, name));
    if (!path.startsWith(normalize(dir))) throw new Error(`unzip: ${name} points outside the directory`);
    names.push(name);
    if (name.endsWith("/")) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
  }
  return names;
}
