'use client';
import { useTranslations } from 'next-intl';

export type DocumentInfo = {
  id: string;
  kind: string;
  fileName: string;
  mimeType: string;
  sizeBytes: number;
  url: string;
};

/**
 * A document shown inline: images as an <img>, PDFs in an <object> (the browser's own viewer) with
 * a plain link when it cannot show one (many phone browsers), so the reviewer always gets to it.
 */
export function DocumentView({ doc }: { doc: DocumentInfo }) {
  const t = useTranslations('merchant.upload');
  if (doc.mimeType.startsWith('image/')) {
    return (
      <figure className="ob-viewer" data-document={doc.kind}>
        <a href={doc.url} target="_blank" rel="noreferrer">
          <img src={doc.url} alt={doc.fileName} loading="lazy" />
        </a>
        <figcaption className="muted">{doc.fileName}</figcaption>
      </figure>
    );
  }
  return (
    <figure className="ob-viewer" data-document={doc.kind}>
      <object data={doc.url} type="application/pdf" aria-label={doc.fileName}>
        <a className="button" href={doc.url} target="_blank" rel="noreferrer">
          {t('pdfFallback')}
        </a>
      </object>
      <figcaption className="muted">
        <a href={doc.url} target="_blank" rel="noreferrer">
          {doc.fileName}
        </a>
      </figcaption>
    </figure>
  );
}
