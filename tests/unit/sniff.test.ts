import { describe, expect, it } from 'vitest';
import { bytes, SAMPLES } from '@/tests/helpers/file-samples';
import {
  checkUpload,
  DOCUMENT_TYPES,
  IMAGE_TYPES,
  sniff,
  typeFromName,
  withExtension,
} from '@/server/files/sniff';

describe('sniff: the type is what the bytes say', () => {
  it.each([
    ['jpeg', 'jpeg'],
    ['jpegExif', 'jpeg'],
    ['png', 'png'],
    ['webp', 'webp'],
    ['pdf', 'pdf'],
    ['exe', 'exe'],
    ['elf', 'elf'],
    ['zip', 'zip'],
    ['gif', 'gif'],
    ['heic', 'heic'],
    ['html', 'html'],
    ['svg', 'html'],
    ['text', 'unknown'],
  ] as const)('%s → %s', (sample, type) => {
    expect(sniff(SAMPLES[sample])).toBe(type);
  });

  it('a RIFF file that is not WebP (a WAV) is not an image', () => {
    expect(sniff(bytes('RIFF', [0, 0, 0, 0], 'WAVEfmt '))).toBe('unknown');
  });

  it('a PDF header not at the very start is not accepted as PDF', () => {
    expect(sniff(bytes('junk%PDF-1.4'))).toBe('unknown');
  });
});

describe('checkUpload: accept by content, refuse disguises', () => {
  it('accepts each allowed type under its own name, and under a name without extension', () => {
    for (const [sample, name, mime] of [
      ['jpeg', '营业执照.jpg', 'image/jpeg'],
      ['png', 'licence.PNG', 'image/png'],
      ['webp', 'pass.webp', 'image/webp'],
      ['pdf', '食品经营许可证.pdf', 'application/pdf'],
      ['jpeg', 'image', 'image/jpeg'],
    ] as const) {
      const v = checkUpload(SAMPLES[sample], name, DOCUMENT_TYPES);
      expect(v, name).toMatchObject({ ok: true, mimeType: mime });
    }
  });

  it('refuses an .exe renamed .pdf and says it is a program', () => {
    const v = checkUpload(SAMPLES.exe, '食品经营许可证.pdf', DOCUMENT_TYPES);
    expect(v).toMatchObject({ ok: false, code: 'FILE_NAME_MISMATCH', detected: 'exe', claimed: 'pdf' });
    expect(v.ok ? '' : v.message).toContain('Windows 程序');
    expect(v.ok ? '' : v.message).toContain('a Windows program');
  });

  it('refuses a PDF renamed .jpg and reports the real type', () => {
    const v = checkUpload(SAMPLES.pdf, 'photo.jpg', DOCUMENT_TYPES);
    expect(v).toMatchObject({ ok: false, code: 'FILE_NAME_MISMATCH', detected: 'pdf', claimed: 'jpeg' });
    expect(v.ok ? '' : v.message).toContain('PDF');
  });

  it('refuses a PNG named .jpg (a lying name is refused even when the content would be fine)', () => {
    expect(checkUpload(SAMPLES.png, 'a.jpg', DOCUMENT_TYPES)).toMatchObject({
      ok: false,
      code: 'FILE_NAME_MISMATCH',
    });
  });

  it('refuses types outside the list whatever their name', () => {
    for (const s of ['exe', 'elf', 'zip', 'gif', 'heic', 'html', 'svg', 'text'] as const) {
      const v = checkUpload(SAMPLES[s], 'upload', DOCUMENT_TYPES);
      expect(v, s).toMatchObject({ ok: false, code: 'FILE_TYPE_NOT_ALLOWED' });
    }
  });

  it('product photos take images only: a genuine PDF is refused', () => {
    expect(checkUpload(SAMPLES.pdf, 'menu.pdf', IMAGE_TYPES)).toMatchObject({
      ok: false,
      code: 'FILE_TYPE_NOT_ALLOWED',
      detected: 'pdf',
    });
    expect(checkUpload(SAMPLES.webp, 'rice.webp', IMAGE_TYPES)).toMatchObject({ ok: true });
  });

  it('refuses an empty file', () => {
    expect(checkUpload(new Uint8Array(), 'a.pdf', DOCUMENT_TYPES)).toMatchObject({
      ok: false,
      code: 'FILE_EMPTY',
    });
  });

  it('gives the stored file a clean name with the real extension', () => {
    expect(withExtension('C:\\Users\\me\\执照', 'jpeg')).toBe('执照.jpg');
    expect(withExtension('../../etc/passwd', 'pdf')).toBe('passwd.pdf');
    expect(withExtension('a"\u0000b.jpeg', 'jpeg')).toBe('ab.jpg');
    expect(withExtension('', 'png')).toBe('file.png');
  });

  it('reads the extension a name claims', () => {
    expect(typeFromName('x.JPEG')).toBe('jpeg');
    expect(typeFromName('x.tar.gz')).toBe('gzip');
    expect(typeFromName('noext')).toBeNull();
    expect(typeFromName('x.unknownext')).toBeNull();
  });
});
