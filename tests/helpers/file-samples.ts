/** Real first bytes of each format, for upload tests. */
export const bytes = (...parts: (number[] | string)[]) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...Buffer.from(p, 'latin1')] : p)));

/** Real headers of each format (the first bytes a camera, a scanner or a compiler writes). */
export const SAMPLES = {
  jpeg: bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'JFIF\0', [1, 1, 0, 0, 1, 0, 1, 0, 0]),
  jpegExif: bytes([0xff, 0xd8, 0xff, 0xe1, 0x1c, 0x45], 'Exif\0\0MM'),
  png: bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], 'IHDR', [0, 0, 1, 0]),
  webp: bytes('RIFF', [0x24, 0x00, 0x00, 0x00], 'WEBPVP8 ', [0x18, 0, 0, 0]),
  pdf: bytes('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n'),
  exe: bytes(
    'MZ',
    [0x90, 0, 3, 0, 0, 0, 4, 0, 0, 0, 0xff, 0xff, 0, 0],
    'This program cannot be run in DOS mode',
  ),
  elf: bytes([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
  zip: bytes([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 6, 0], '[Content_Types].xml'),
  gif: bytes('GIF89a', [1, 0, 1, 0]),
  heic: bytes([0, 0, 0, 0x18], 'ftypheic', [0, 0, 0, 0], 'mif1heic'),
  html: bytes('<!DOCTYPE html><html><script>alert(1)</script>'),
  svg: bytes('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
  text: bytes('hello, this is just text\n'),
};
