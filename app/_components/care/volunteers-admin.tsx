'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { TasksDay } from './tasks';
import './care.css';

const ROLES = ['stairwell', 'gate', 'disinfection', 'testing', 'delivery'] as const;
type Role = (typeof ROLES)[number];

function Application({
  communityId,
  a,
}: {
  communityId: string;
  a: { id: string; name: string; phone: string | null; skills: string; availability: string };
}) {
  const t = useTranslations('care.volunteer');
  const tr = useTranslations('care.tasks.roles');
  const trpc = useTRPC();
  const qc = useQueryClient();
  const errorText = useErrorMessage('care');
  const [roles, setRoles] = useState<Role[]>([]);
  const decide = useMutation(
    trpc.volunteers.decide.mutationOptions({
      onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.volunteers.applications.queryKey() }),
    }),
  );
  return (
    <li className="card care-item" data-application={a.id} data-name={a.name}>
      <div className="care-row">
        <strong>{a.name}</strong>
        {a.phone && <a href={`tel:${a.phone}`}>{a.phone}</a>}
      </div>
      <p className="care-meta">
        {t('skills')}：{a.skills || '—'} · {t('availability')}：{a.availability || '—'}
      </p>
      <fieldset>
        <legend>{t('rolesFor', { name: a.name })}</legend>
        {ROLES.map((r) => (
          <label key={r}>
            <input
              type="checkbox"
              name="role"
              value={r}
              checked={roles.includes(r)}
              onChange={(e) => setRoles(e.target.checked ? [...roles, r] : roles.filter((x) => x !== r))}
            />
            {tr(r)}
          </label>
        ))}
      </fieldset>
      <div className="care-actions">
        <button
          type="button"
          className="button"
          disabled={decide.isPending || roles.length === 0}
          onClick={() => decide.mutate({ communityId, applicationId: a.id, decision: 'accept', roles })}
        >
          {t('acceptNamed', { name: a.name })}
        </button>
        <button
          type="button"
          className="button"
          disabled={decide.isPending}
          onClick={() => decide.mutate({ communityId, applicationId: a.id, decision: 'decline' })}
        >
          {t('decline')}
        </button>
      </div>
      {decide.error && (
        <p className="error" role="alert">
          {errorText(decide.error)}
        </p>
      )}
    </li>
  );
}

function NewTask({ communityId }: { communityId: string }) {
  const t = useTranslations('care.volunteer');
  const tr = useTranslations('care.tasks.roles');
  const trpc = useTRPC();
  const qc = useQueryClient();
  const errorText = useErrorMessage('care');
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const [role, setRole] = useState<Role>('gate');
  const [title, setTitle] = useState('');
  const [place, setPlace] = useState('');
  const [date, setDate] = useState(today);
  const [from, setFrom] = useState('07:00');
  const [to, setTo] = useState('11:00');
  const [slots, setSlots] = useState('2');
  const create = useMutation(
    trpc.volunteers.createTask.mutationOptions({
      onSuccess: () => {
        setTitle('');
        void qc.invalidateQueries({ queryKey: trpc.volunteers.tasks.queryKey() });
      },
    }),
  );
  return (
    <form
      className="card care-form"
      aria-labelledby="new-task"
      onSubmit={(e) => {
        e.preventDefault();
        create.mutate({
          communityId,
          role,
          title,
          place,
          startsAt: new Date(`${date}T${from}:00+08:00`),
          endsAt: new Date(`${date}T${to}:00+08:00`),
          slots: Number(slots),
        });
      }}
    >
      <h2 id="new-task">{t('newTask')}</h2>
      <label>
        {t('role')}
        <select name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {tr(r)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('taskTitle')}
        <input
          name="title"
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          maxLength={80}
          required
        />
      </label>
      <label>
        {t('place')}
        <input name="place" value={place} onChange={(e) => setPlace(e.target.value)} maxLength={80} />
      </label>
      <label>
        {t('date')}
        <input type="date" name="date" value={date} onChange={(e) => setDate(e.target.value)} required />
      </label>
      <label>
        {t('startsAt')}
        <input type="time" name="from" value={from} onChange={(e) => setFrom(e.target.value)} required />
      </label>
      <label>
        {t('endsAt')}
        <input type="time" name="to" value={to} onChange={(e) => setTo(e.target.value)} required />
      </label>
      <label>
        {t('slotsField')}
        <input
          type="number"
          name="slots"
          min={1}
          max={200}
          value={slots}
          onChange={(e) => setSlots(e.target.value)}
          required
        />
      </label>
      <button type="submit" className="button" disabled={create.isPending}>
        {t('create')}
      </button>
      {create.isSuccess && <p role="status">{t('created')}</p>}
      {create.error && (
        <p className="error" role="alert">
          {errorText(create.error)}
        </p>
      )}
    </form>
  );
}

/** Coordinators: offers to volunteer waiting for a decision, posting shifts, and the counts per day and role. */
export function VolunteersAdmin({ communityId }: { communityId: string }) {
  const t = useTranslations('care.volunteer');
  const trpc = useTRPC();
  const errorText = useErrorMessage('care');
  const apps = useQuery(trpc.volunteers.applications.queryOptions({ communityId }));
  return (
    <main className="care-page" data-page="volunteers">
      <h1>{t('pageTitle')}</h1>
      <section aria-labelledby="applications" data-section="applications">
        <h2 id="applications">{t('applications')}</h2>
        {apps.isPending && (
          <p className="muted" role="status">
            {t('loading')}
          </p>
        )}
        {apps.isError && <p className="error">{errorText(apps.error)}</p>}
        {apps.data?.length === 0 && <p className="muted">{t('noApplications')}</p>}
        <ul className="care-list">
          {apps.data?.map((a) => (
            <Application key={a.id} communityId={communityId} a={a} />
          ))}
        </ul>
      </section>
      <NewTask communityId={communityId} />
      <TasksDay communityId={communityId} showWeek />
    </main>
  );
}
