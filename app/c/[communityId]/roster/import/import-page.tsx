'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useTranslations } from 'next-intl';
import { useEffect, useId, useRef, useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import type { RosterImportPreview } from '@/server/services/roster/preview-roster-import';
import type { FileIssue, ImportRow, RowIssue, RowWarning } from '@/server/services/roster/rules';
import { fileToBase64, formatBytes, formatPhone } from '@/app/c/[communityId]/roster/_components/format';
import { MutationError } from '@/app/c/[communityId]/roster/_components/parts';

const MAX_BYTES = 5 * 1024 * 1024;
const SUMMARY_KEYS = [
  'rows',
  'householdsToCreate',
  'residentsToAdd',
  'stairwellsToCreate',
  'buildingsToCreate',
  'householdsExisting',
  'residentsAlreadyThere',
  'usersToCreate',
] as const;

/**
 * Roster import in two steps: check every row (nothing written), then import all of it or none.
 * The same file travels again with the commit, which re-checks it against the roster as it is then.
 */
export function ImportPage({ communityId }: { communityId: string }) {
  const t = useTranslations('roster.import');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [file, setFile] = useState<{ name: string; size: number; base64: string } | null>(null);
  const [tooLarge, setTooLarge] = useState(false);
  const preview = useMutation(trpc.roster.previewImport.mutationOptions());
  const commit = useMutation(
    trpc.roster.commitImport.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.roster.pathKey() }),
    }),
  );
  const seconds = useElapsed(commit.isPending);

  const choose = async (f: File | undefined) => {
    preview.reset();
    commit.reset();
    setFile(null);
    setTooLarge(false);
    if (!f) return;
    if (f.size > MAX_BYTES) {
      setTooLarge(true);
      return;
    }
    const base64 = await fileToBase64(f);
    setFile({ name: f.name, size: f.size, base64 });
    preview.mutate({ communityId, fileName: f.name, fileBase64: base64 });
  };

  const p = preview.data;
  const startOver = () => {
    preview.reset();
    commit.reset();
    setFile(null);
    if (inputRef.current) inputRef.current.value = '';
  };

  return (
    <main data-page="roster-import">
      <p>
        <Link className="roster-link-button" href={`/c/${communityId}/roster`}>
          ← {t('goRoster')}
        </Link>
      </p>
      <h1>{t('title')}</h1>
      <p>{t('intro')}</p>
      <p className="muted">{t('columns')}</p>
      <p>
        <button type="button" onClick={downloadTemplate}>
          {t('template')}
        </button>
      </p>

      {!commit.isSuccess && (
        <>
          <label htmlFor={inputId} className="roster-file">
            {t('choose')}
            <input
              id={inputId}
              ref={inputRef}
              type="file"
              accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              onChange={(e) => void choose(e.target.files?.[0])}
              disabled={preview.isPending || commit.isPending}
            />
          </label>
          {file && <p className="muted">{t('chosen', { name: file.name, size: formatBytes(file.size) })}</p>}
          {tooLarge && (
            <p className="error" role="alert">
              {t('tooLarge')}
            </p>
          )}
        </>
      )}

      {preview.isPending && (
        <div role="status" aria-live="polite">
          <p>{t('previewing')}</p>
          <div className="roster-progress" aria-hidden="true">
            <div />
          </div>
        </div>
      )}
      <MutationError error={preview.error} />

      {p && !commit.isSuccess && <PreviewView preview={p} />}

      {p && file && !commit.isSuccess && p.ok && (
        <section>
          {commit.isPending ? (
            <div role="status" aria-live="polite">
              <p>{t('committing', { seconds })}</p>
              <div className="roster-progress" aria-hidden="true">
                <div />
              </div>
            </div>
          ) : (
            <button
              type="button"
              className="primary"
              style={{ width: '100%', minHeight: 56 }}
              disabled={p.summary.householdsToCreate + p.summary.residentsToAdd === 0}
              onClick={() =>
                commit.mutate({
                  communityId,
                  fileName: file.name,
                  fileBase64: file.base64,
                  expectedSha256: p.fileSha256,
                  expectedSummary: {
                    householdsToCreate: p.summary.householdsToCreate,
                    residentsToAdd: p.summary.residentsToAdd,
                    stairwellsToCreate: p.summary.stairwellsToCreate,
                    buildingsToCreate: p.summary.buildingsToCreate,
                  },
                })
              }
            >
              {p.summary.householdsToCreate + p.summary.residentsToAdd === 0
                ? t('commitNothing')
                : t('commit', {
                    households: p.summary.householdsToCreate,
                    residents: p.summary.residentsToAdd,
                  })}
            </button>
          )}
          <MutationError error={commit.error} />
        </section>
      )}

      {commit.isSuccess && (
        <section className="roster-notice ok" role="status">
          <p className="roster-ok">
            {t('done', {
              households: commit.data.summary.householdsToCreate,
              residents: commit.data.summary.residentsToAdd,
            })}
          </p>
          <div className="roster-actions">
            <Link className="button primary" href={`/c/${communityId}/roster`}>
              {t('goRoster')}
            </Link>
            <button type="button" onClick={startOver}>
              {t('another')}
            </button>
          </div>
        </section>
      )}
    </main>
  );
}

function PreviewView({ preview: p }: { preview: RosterImportPreview }) {
  const t = useTranslations('roster.import');
  const describe = useIssueText();
  return (
    <section aria-labelledby="preview-title">
      <h2 id="preview-title">{t('summaryTitle')}</h2>
      {p.ok ? (
        <p className="roster-notice ok">{t('ok', { rows: p.summary.rows })}</p>
      ) : (
        <p className="roster-notice bad" role="alert">
          {p.fileIssues.length > 0
            ? p.fileIssues.map((i) => describe.file(i)).join(' ')
            : t('notOk', { count: p.summary.invalidRows })}
        </p>
      )}
      <dl className="roster-summary">
        {SUMMARY_KEYS.map((k) => (
          <div key={k}>
            <dt>{t(`summary.${k}`)}</dt>
            <dd>{p.summary[k].toLocaleString('en-US')}</dd>
          </div>
        ))}
      </dl>

      {p.fileIssues.length > 0 && (
        <>
          <h3>{t('fileIssuesTitle')}</h3>
          <ul>
            {p.fileIssues.map((i, n) => (
              <li key={n} className="error">
                {describe.file(i)}
              </li>
            ))}
          </ul>
        </>
      )}

      {p.badRows.length > 0 && (
        <>
          <h3>
            {t('badRowsTitle', { count: p.summary.invalidRows })}
            {p.summary.invalidRows > p.badRows.length && (
              <span className="muted"> · {t('badRowsMore', { shown: p.badRows.length })}</span>
            )}
          </h3>
          <RowsTable rows={p.badRows} describe={describe} kind="bad" />
        </>
      )}

      {p.nameDiffers.length > 0 && (
        <>
          <h3>{t('nameDiffersTitle')}</h3>
          <RowsTable rows={p.nameDiffers} describe={describe} kind="names" />
        </>
      )}

      {p.sampleRows.length > 0 && (
        <details>
          <summary
            style={{
              minHeight: 48,
              display: 'flex',
              alignItems: 'center',
              cursor: 'pointer',
              fontWeight: 600,
            }}
          >
            {t('sampleTitle')}
          </summary>
          <RowsTable rows={p.sampleRows} describe={describe} kind="sample" />
        </details>
      )}
    </section>
  );
}

function RowsTable({
  rows,
  describe,
  kind,
}: {
  rows: ImportRow[];
  describe: ReturnType<typeof useIssueText>;
  kind: 'bad' | 'names' | 'sample';
}) {
  const t = useTranslations('roster');
  return (
    <div
      className="roster-table-wrap"
      data-table={kind}
      tabIndex={0}
      role="region"
      aria-label={t('import.line')}
    >
      <table className="roster-table">
        <thead>
          <tr>
            <th scope="col">{t('import.line')}</th>
            <th scope="col">{t('import.reasons')}</th>
            <th scope="col">{t('fields.building')}</th>
            <th scope="col">{t('fields.stairwell')}</th>
            <th scope="col">{t('fields.floor')}</th>
            <th scope="col">{t('fields.room')}</th>
            <th scope="col">{t('fields.headcount')}</th>
            <th scope="col">{t('fields.name')}</th>
            <th scope="col">{t('fields.phone')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.line} className={r.issues.length > 0 ? 'bad' : undefined} data-line={r.line}>
              <td>{r.line}</td>
              <td className="reasons">
                {r.issues.length > 0
                  ? r.issues.map((i) => describe.row(i)).join('；')
                  : [
                      r.household ? t(`import.status.${r.household}`) : null,
                      ...r.warnings.map((w) => describe.warning(w)),
                    ]
                      .filter(Boolean)
                      .join('；')}
              </td>
              <td>{r.values.building ?? ''}</td>
              <td>{r.values.stairwell ?? ''}</td>
              <td>{r.values.floor ?? ''}</td>
              <td>{r.values.room ?? ''}</td>
              <td>{r.values.headcount ?? ''}</td>
              <td>{r.values.name ?? ''}</td>
              <td>{r.values.phone ? formatPhone(r.values.phone) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Translates import issues (codes with their parameters) into sentences. */
function useIssueText() {
  const t = useTranslations('roster');
  const field = (f?: string) => (f ? t(`fields.${f}` as 'fields.room') : '');
  return {
    file: (i: FileIssue) =>
      t(`import.fileIssue.${i.code}`, { column: i.column ?? '', field: field(i.field), limit: i.limit ?? 0 }),
    row: (i: RowIssue) =>
      t(`import.issue.${i.code}`, {
        field: field(i.field),
        value: i.value ?? '',
        otherLine: i.otherLine ?? 0,
        existing: i.existing ?? '',
      }),
    warning: (w: RowWarning) => t(`import.warning.${w.code}`, { existing: w.existing ?? '' }),
  };
}

/** Seconds since `running` became true, for a visible sign that a long import is still going. */
function useElapsed(running: boolean): number {
  const [seconds, setSeconds] = useState(0);
  useEffect(() => {
    if (!running) return;
    setSeconds(0);
    const started = Date.now();
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 1000);
    return () => clearInterval(timer);
  }, [running]);
  return seconds;
}

/** A CSV template with the Chinese headers and one example row; BOM so Excel opens it as UTF-8. */
function downloadTemplate() {
  const csv =
    '\uFEFF楼栋,单元,楼层,房号,人数,姓名,手机\r\n3,2,2,201,3,张建国,13800138000\r\n3,2,2,201,3,李秀英,\r\n';
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'linli-roster-template.csv';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
