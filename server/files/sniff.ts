/**
 * File types are decided by the first bytes of the content (magic numbers), never by the name a
 * phone or a person gave the file: an .exe renamed .pdf is still an executable, and a document is
 * only ever served back with the type its bytes were recognised as.
 */

export type AcceptedType = 'jpeg' | 'png' | 'webp' | 'pdf';
/** Types we recognise only to say what a refused file really is. */
type RefusedType =
  | 'exe'
  | 'elf'
  | 'macho'
  | 'zip'
  | 'rar'
  | '7z'
  | 'gzip'
  | 'gif'
  | 'bmp'
  | 'tiff'
  | 'heic'
  | 'mp4'
  | 'html'
  | 'script'
  | 'unknown';

export const MIME: Record<AcceptedType, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  pdf: 'application/pdf',
};
const EXTENSION: Record<AcceptedType, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', pdf: 'pdf' };
export const IMAGE_TYPES: readonly AcceptedType[] = ['jpeg', 'png', 'webp'];
export const DOCUMENT_TYPES: readonly AcceptedType[] = ['jpeg', 'png', 'webp', 'pdf'];

/** How many leading bytes `sniff` needs. */
const SNIFF_BYTES = 32;

const startsWith = (b: Uint8Array, sig: readonly number[], offset = 0) =>
  b.length >= offset + sig.length && sig.every((v, i) => b[offset + i] === v);
const ascii = (b: Uint8Array, from: number, to: number) => String.fromCharCode(...b.subarray(from, to));

/** The type the bytes really are. */
export function sniff(bytes: Uint8Array): AcceptedType | RefusedType {
  const b = bytes.subarray(0, SNIFF_BYTES);
  if (startsWith(b, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP') return 'webp';
  // PDF readers accept the header anywhere in the first KiB, but a file we store must start with it.
  if (ascii(b, 0, 5) === '%PDF-') return 'pdf';
  if (ascii(b, 0, 2) === 'MZ') return 'exe';
  if (startsWith(b, [0x7f, 0x45, 0x4c, 0x46])) return 'elf';
  if (
    startsWith(b, [0xcf, 0xfa, 0xed, 0xfe]) ||
    startsWith(b, [0xce, 0xfa, 0xed, 0xfe]) ||
    startsWith(b, [0xca, 0xfe, 0xba, 0xbe])
  )
    return 'macho';
  if (startsWith(b, [0x50, 0x4b, 0x03, 0x04]) || startsWith(b, [0x50, 0x4b, 0x05, 0x06])) return 'zip';
  if (ascii(b, 0, 4) === 'Rar!') return 'rar';
  if (startsWith(b, [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c])) return '7z';
  if (startsWith(b, [0x1f, 0x8b])) return 'gzip';
  if (ascii(b, 0, 4) === 'GIF8') return 'gif';
  if (ascii(b, 0, 2) === 'BM') return 'bmp';
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (ascii(b, 4, 8) === 'ftyp') {
    const brand = ascii(b, 8, 12);
    return ['heic', 'heix', 'hevc', 'heim', 'heis', 'mif1', 'msf1', 'avif'].includes(brand) ? 'heic' : 'mp4';
  }
  const head = ascii(b, 0, SNIFF_BYTES)
    .replace(/^\uFEFF?\s*/, '')
    .toLowerCase();
  if (
    head.startsWith('<!doctype html') ||
    head.startsWith('<html') ||
    head.startsWith('<svg') ||
    head.startsWith('<?xml')
  )
    return 'html';
  if (head.startsWith('#!')) return 'script';
  return 'unknown';
}

/** What a file name's extension claims, when it is one we know. */
export function typeFromName(fileName: string): AcceptedType | RefusedType | null {
  const ext = /\.([a-z0-9]{1,5})$/i.exec(fileName.trim())?.[1]?.toLowerCase();
  if (!ext) return null;
  const map: Record<string, AcceptedType | RefusedType> = {
    jpg: 'jpeg',
    jpeg: 'jpeg',
    jfif: 'jpeg',
    jpe: 'jpeg',
    png: 'png',
    webp: 'webp',
    pdf: 'pdf',
    exe: 'exe',
    dll: 'exe',
    msi: 'exe',
    bat: 'script',
    sh: 'script',
    zip: 'zip',
    docx: 'zip',
    xlsx: 'zip',
    apk: 'zip',
    rar: 'rar',
    '7z': '7z',
    gz: 'gzip',
    gif: 'gif',
    bmp: 'bmp',
    tif: 'tiff',
    tiff: 'tiff',
    heic: 'heic',
    heif: 'heic',
    mp4: 'mp4',
    mov: 'mp4',
    html: 'html',
    htm: 'html',
    svg: 'html',
  };
  return map[ext] ?? null;
}

type SniffVerdict =
  | { ok: true; type: AcceptedType; mimeType: string; fileName: string }
  | {
      ok: false;
      code: 'FILE_TYPE_NOT_ALLOWED' | 'FILE_NAME_MISMATCH' | 'FILE_EMPTY';
      /** What the bytes really are. */
      detected: AcceptedType | RefusedType | 'empty';
      /** What the name claimed, when it claimed something. */
      claimed: AcceptedType | RefusedType | null;
      message: string;
    };

const LABEL: Record<AcceptedType | RefusedType | 'empty', string> = {
  jpeg: 'JPEG 图片 / a JPEG image',
  png: 'PNG 图片 / a PNG image',
  webp: 'WebP 图片 / a WebP image',
  pdf: 'PDF 文档 / a PDF document',
  exe: 'Windows 程序 / a Windows program',
  elf: 'Linux 程序 / a Linux program',
  macho: 'macOS 程序 / a macOS program',
  zip: '压缩包或 Office 文档 / a ZIP archive or Office document',
  rar: 'RAR 压缩包 / a RAR archive',
  '7z': '7z 压缩包 / a 7z archive',
  gzip: 'gzip 压缩包 / a gzip archive',
  gif: 'GIF 动图 / a GIF image',
  bmp: 'BMP 图片 / a BMP image',
  tiff: 'TIFF 图片 / a TIFF image',
  heic: 'HEIC 照片 / a HEIC photo',
  mp4: '视频 / a video',
  html: '网页或 SVG / a web page or SVG',
  script: '脚本 / a script',
  unknown: '无法识别的文件 / an unrecognised file',
  empty: '空文件 / an empty file',
};

/**
 * Accepts the file when its bytes are one of `allowed` and its name does not claim another type.
 * A name that lies is refused even when the real type would be fine: it is how a disguised file
 * gets past a person, and telling them what the file really is lets them pick the right one.
 * The returned `fileName` carries the extension of the real type.
 */
export function checkUpload(
  bytes: Uint8Array,
  fileName: string,
  allowed: readonly AcceptedType[],
): SniffVerdict {
  const claimed = typeFromName(fileName);
  if (bytes.length === 0) {
    return {
      ok: false,
      code: 'FILE_EMPTY',
      detected: 'empty',
      claimed,
      message: '文件是空的 / The file is empty.',
    };
  }
  const detected = sniff(bytes);
  const accepted = (allowed as readonly string[]).includes(detected);
  const allowedText = allowed.map((t) => LABEL[t].split(' / ')[0]).join('、');
  const allowedEn = allowed.map((t) => EXTENSION[t].toUpperCase()).join(', ');
  if (claimed !== null && claimed !== detected) {
    const [cz, ce] = LABEL[claimed].split(' / ');
    const [dz, de] = LABEL[detected].split(' / ');
    return {
      ok: false,
      code: 'FILE_NAME_MISMATCH',
      detected,
      claimed,
      message: `文件名显示是${cz}，但内容实际是${dz}。请选择正确的文件（可用：${allowedText}）。 / The name says ${ce} but the file is really ${de}. Please choose the right file (${allowedEn}).`,
    };
  }
  if (!accepted) {
    const [dz, de] = LABEL[detected].split(' / ');
    return {
      ok: false,
      code: 'FILE_TYPE_NOT_ALLOWED',
      detected,
      claimed,
      message: `这个文件是${dz}，不能上传。只接受：${allowedText}。 / This file is ${de}; only ${allowedEn} can be uploaded.`,
    };
  }
  const type = detected as AcceptedType;
  return { ok: true, type, mimeType: MIME[type], fileName: withExtension(fileName, type) };
}

/** A safe display name: no path, no control characters, the real type's extension. */
export function withExtension(fileName: string, type: AcceptedType): string {
  const base =
    fileName
      .split(/[\\/]/)
      .pop()!
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f"]/g, '')
      .replace(/\.[a-z0-9]{1,5}$/i, '')
      .trim()
      .slice(0, 100) || 'file';
  return `${base}.${EXTENSION[type]}`;
}
