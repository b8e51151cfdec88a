'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useTRPC } from '@/app/_lib/trpc';
import { useErrorMessage } from '@/app/_lib/use-error-message';
import { CarePhotoView } from './photo';
import './care.css';

/** On the resident's home: notices (unread first; opening marks read; confirm), and the offer to volunteer. */
export function ResidentCare({ communityId }: { communityId: string }) {
  const t = useTranslations('care');
  const trpc = useTRPC();
  const qc = useQueryClient();
  const errorText = useErrorMessage('care');
  const notices = useQuery(trpc.notices.mine.queryOptions({ communityId }));
  const status = useQuery(trpc.volunteers.myStatus.queryOptions({ communityId }));
  const [open, setOpen] = useState<string | null>(null);
  const refresh = () => void qc.invalidateQueries({ queryKey: trpc.notices.mine.queryKey() });
  const read = useMutation(trpc.notices.read.mutationOptions({ onSuccess: refresh }));
  const confirm = useMutation(trpc.notices.confirm.mutationOptions({ onSuccess: refresh }));
  const offer = useMutation(
    trpc.volunteers.offer.mutationOptions({
      onSuccess: () => void qc.invalidateQueries({ queryKey: trpc.volunteers.myStatus.queryKey() }),
    }),
  );
  const [skills, setSkills] = useState('');
  const [availability, setAvailability] = useState('');
  return (
    <>
      <section aria-labelledby="care-notices" data-section="notices">
        <h2 id="care-notices">{t('notices.title')}</h2>
        {notices.data?.length === 0 && <p className="muted">{t('notices.empty')}</p>}
        <ul className="care-list">
          {notices.data?.map((n) => (
            <li key={n.id} className={`card care-item ${n.readAt ? '' : 'unread'}`} data-notice={n.id}>
              <button
                type="button"
                className="button"
                aria-expanded={open === n.id}
                onClick={() => {
                  setOpen(open === n.id ? null : n.id);
                  if (!n.readAt) read.mutate({ communityId, noticeId: n.id });
                }}
              >
                {n.readAt ? '' : `${t('notices.unread')} · `}
                {n.title}
              </button>
              {open === n.id && (
                <div>
                  <p>{n.body}</p>
                  {n.photoKey && <CarePhotoView communityId={communityId} photoKey={n.photoKey} />}
                  {n.needsConfirm &&
                    (n.confirmedAt ? (
                      <p className="muted">{t('notices.confirmed')}</p>
                    ) : (
                      <div className="care-actions">
                        <button
                          type="button"
                          className="button"
                          onClick={() => confirm.mutate({ communityId, noticeId: n.id })}
                        >
                          {t('notices.confirm')}
                        </button>
                      </div>
                    ))}
                </div>
              )}
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="care-offer" data-section="volunteer-offer">
        <h2 id="care-offer">{t('volunteer.offer')}</h2>
        {status.data?.volunteer ? (
          <p className="muted">{t('volunteer.isVolunteer')}</p>
        ) : status.data?.application?.status === 'pending' ? (
          <p className="muted">{t('volunteer.pending')}</p>
        ) : (
          <form
            className="card care-form"
            onSubmit={(e) => {
              e.preventDefault();
              offer.mutate({ communityId, skills, availability });
            }}
          >
            <label>
              {t('volunteer.skills')}
              <input
                name="skills"
                value={skills}
                onChange={(e) => setSkills(e.target.value)}
                maxLength={200}
              />
            </label>
            <label>
              {t('volunteer.availability')}
              <input
                name="availability"
                value={availability}
                onChange={(e) => setAvailability(e.target.value)}
                maxLength={200}
              />
            </label>
            <button type="submit" className="button" disabled={offer.isPending}>
              {t('volunteer.send')}
            </button>
            {offer.error && <p className="error">{errorText(offer.error)}</p>}
          </form>
        )}
      </section>
    </>
  );
}
