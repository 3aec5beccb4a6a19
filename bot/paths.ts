import fs from 'node:fs';
import path from 'node:path';

let root: string | undefined;

/**
 * The folder holding package.json, found from this file so data files (locales, the teams
 * file) are found the same way from the sources and from `dist/`.
 */
export function projectRoot(): string {
  if (root) return root;
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`projectRoot(): package.json not found above ${__dirname}`);
    dir = parent;
  }
  root = dir;
  return dir;
}
