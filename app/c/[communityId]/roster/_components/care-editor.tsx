'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useId, useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { CARE_CATEGORIES, LIMITS, type CareCategory } from '@/server/services/roster/constants';
import { MutationError } from './parts';

type Care = { categories: CareCategory[]; doorDelivery: boolean; notes: string } | null;

/**
 * Puts a household on the care registry or edits its entry (coordinators). Saving refreshes every
 * roster query, so the registry, the stairwell lists and the volunteer homes agree.
 */
export function CareEditor({
  communityId,
  householdId,
  care,
  onDone,
}: {
  communityId: string;
  householdId: string;
  care: Care;
  onDone?: () => void;
}) {
  const t = useTranslations('roster');
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [categories, setCategories] = useState<CareCategory[]>(care?.categories ?? []);
  const [notes, setNotes] = useState(care?.notes ?? '');
  const [doorDelivery, setDoorDelivery] = useState(care?.doorDelivery ?? true);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.roster.pathKey() });
  const save = useMutation(
    trpc.roster.saveCareProfile.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onDone?.();
      },
    }),
  );
  const remove = useMutation(
    trpc.roster.deleteCareProfile.mutationOptions({
      onSuccess: async () => {
        await refresh();
        onDone?.();
      },
    }),
  );
  const toggle = (c: CareCategory) =>
    setCategories((cur) => (cur.includes(c) ? cur.filter((x) => x !== c) : [...cur, c]));
  const busy = save.isPending || remove.isPending;

  return (
    <form
      className="roster-form"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate({ communityId, householdId, categories, notes, doorDelivery });
      }}
    >
      <fieldset className="roster-checks" style={{ border: 'none', padding: 0, margin: 0 }}>
        <legend style={{ fontWeight: 600 }}>{t('care.categoriesLabel')}</legend>
        {CARE_CATEGORIES.map((c) => (
          <label key={c} className="roster-check">
            <input type="checkbox" checked={categories.includes(c)} onChange={() => toggle(c)} />
            {t(`care.categories.${c}`)}
          </label>
        ))}
      </fieldset>
      <label className="roster-check">
        <input type="checkbox" checked={doorDelivery} onChange={(e) => setDoorDelivery(e.target.checked)} />
        {t('care.doorDeliveryLabel')}
      </label>
      <label htmlFor={`${id}-notes`}>{t('care.notes')}</label>
      <textarea
        id={`${id}-notes`}
        rows={3}
        maxLength={LIMITS.notesLength}
        value={notes}
        placeholder={t('care.notesPlaceholder')}
        onChange={(e) => setNotes(e.target.value)}
      />
      <MutationError error={save.error ?? remove.error} />
      <div className="roster-actions">
        <button type="submit" className="primary" disabled={busy || categories.length === 0}>
          {save.isPending ? t('saving') : t('save')}
        </button>
        {care && (
          <button
            type="button"
            disabled={busy}
            onClick={() => {
              if (window.confirm(t('care.removeConfirm'))) remove.mutate({ communityId, householdId });
            }}
          >
            {t('remove')}
          </button>
        )}
        {onDone && (
          <button type="button" onClick={onDone} disabled={busy}>
            {t('cancel')}
          </button>
        )}
      </div>
    </form>
  );
}
