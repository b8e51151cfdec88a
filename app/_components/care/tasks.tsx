'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { hhmm } from '@/server/services/shared/time';
import './care.css';

/** `YYYY-MM-DD` plus `days`. */
function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

type TaskView = {
  id: string;
  role: 'stairwell' | 'gate' | 'disinfection' | 'testing' | 'delivery';
  title: string;
  place: string;
  startsAt: Date;
  endsAt: Date;
  slots: number;
  filled: number;
  open: number;
  canClaim: boolean;
  myClaim: { id: string; checkedInAt: Date | null; checkedOutAt: Date | null } | null;
};

function TaskCard({ communityId, task }: { communityId: string; task: TaskView }) {
  const t = useTranslations('care.tasks');
  const trpc = useTRPC();
  const qc = useQueryClient();
  const errorText = useErrorMessage('care');
  const opts = { onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.volunteers.tasks.queryKey() }) };
  const claim = useMutation(trpc.volunteers.claimSlot.mutationOptions(opts));
  const release = useMutation(trpc.volunteers.releaseSlot.mutationOptions(opts));
  const check = useMutation(trpc.volunteers.checkShift.mutationOptions(opts));
  const error = claim.error ?? release.error ?? check.error;
  const c = task.myClaim;
  const busy = claim.isPending || release.isPending || check.isPending;
  const name = `${task.title} ${hhmm(task.startsAt)}–${hhmm(task.endsAt)}`;
  return (
    <li
      className={`card care-item ${task.open > 0 ? 'unread' : ''}`}
      data-task={task.id}
      data-role={task.role}
    >
      <div className="care-row">
        <strong>{name}</strong>
        <span className="care-tag">{t(`roles.${task.role}`)}</span>
      </div>
      <p className="care-meta">
        {task.place && `${task.place} · `}
        {t('slots', { filled: task.filled, slots: task.slots })}
        {task.open > 0 ? ` · ${t('openSlots', { open: task.open })}` : ` · ${t('full')}`}
      </p>
      <div className="care-actions">
        {!c && task.open > 0 && task.canClaim && (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => claim.mutate({ communityId, taskId: task.id })}
          >
            {t('claimNamed', { name: task.title })}
          </button>
        )}
        {!c && task.open > 0 && !task.canClaim && (
          <p className="muted">{t('roleNeeded', { role: t(`roles.${task.role}`) })}</p>
        )}
        {c && !c.checkedInAt && (
          <>
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => check.mutate({ communityId, taskId: task.id, action: 'in' })}
            >
              {t('checkIn')}
            </button>
            <button
              type="button"
              className="button"
              disabled={busy}
              onClick={() => release.mutate({ communityId, taskId: task.id })}
            >
              {t('release')}
            </button>
          </>
        )}
        {c && c.checkedInAt && !c.checkedOutAt && (
          <button
            type="button"
            className="button"
            disabled={busy}
            onClick={() => check.mutate({ communityId, taskId: task.id, action: 'out' })}
          >
            {t('checkOut')}
          </button>
        )}
        {c && (
          <p className="care-meta" role="status">
            {c.checkedOutAt ? t('done') : c.checkedInAt ? t('onShift') : t('mine')}
          </p>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {errorText(error)}
        </p>
      )}
    </li>
  );
}

/** The day's shifts (unfilled first) with counts per role; a day switcher. */
export function TasksDay({ communityId, showWeek = false }: { communityId: string; showWeek?: boolean }) {
  const t = useTranslations('care.tasks');
  const trpc = useTRPC();
  const errorText = useErrorMessage('care');
  const [date, setDate] = useState<string | undefined>(undefined);
  const day = useQuery(trpc.volunteers.tasks.queryOptions({ communityId, date }));
  const shown = day.data?.date;
  return (
    <section aria-labelledby="tasks-day" data-section="tasks">
      <h2 id="tasks-day">{shown ? t('dayTitle', { date: shown }) : t('title')}</h2>
      {shown && (
        <div className="care-tabs">
          <button type="button" onClick={() => setDate(addDays(shown, -1))}>
            {t('prevDay')}
          </button>
          <button type="button" onClick={() => setDate(addDays(shown, 1))}>
            {t('nextDay')}
          </button>
        </div>
      )}
      {day.isPending && (
        <p className="muted" role="status">
          {t('loading')}
        </p>
      )}
      {day.isError && <p className="error">{errorText(day.error)}</p>}
      {day.data && (
        <>
          {day.data.counts.length > 0 && (
            <p className="care-meta" data-testid="role-counts">
              {t('counts')}：
              {day.data.counts
                .map((r) => `${t(`roles.${r.role}`)} ${t('slots', { filled: r.filled, slots: r.slots })}`)
                .join('；')}
            </p>
          )}
          {showWeek && day.data.week.length > 0 && (
            <table className="care-week" data-testid="week-counts">
              <caption>{t('week')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('date')}</th>
                  <th scope="col">{t('shifts')}</th>
                  <th scope="col">{t('filledCol')}</th>
                </tr>
              </thead>
              <tbody>
                {day.data.week.map((d) => (
                  <tr key={d.day}>
                    <td>
                      <button type="button" onClick={() => setDate(d.day)}>
                        {d.day.slice(5)}
                      </button>
                    </td>
                    <td>{d.tasks}</td>
                    <td>{t('slots', { filled: d.filled, slots: d.slots })}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {day.data.tasks.length === 0 && <p className="muted">{t('empty')}</p>}
          <ul className="care-list">
            {day.data.tasks.map((task) => (
              <TaskCard key={task.id} communityId={communityId} task={task} />
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** The volunteer's 任务 page. */
export function VolunteerTasks({ communityId }: { communityId: string }) {
  const t = useTranslations('care.tasks');
  return (
    <main className="care-page" data-page="tasks">
      <h1>{t('pageTitle')}</h1>
      <TasksDay communityId={communityId} />
    </main>
  );
}
