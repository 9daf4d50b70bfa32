/**
 * One polite status region for the settings form's field problems, told when a person leaves a
 * field rather than at every keystroke: a problem shows under its field as it is typed, but a
 * screen reader hears it once, on blur, instead of a new sentence per character. A problem
 * that is corrected is taken out of the region, so it never tells of one that is gone. It reads
 * "Label: problem." where the field shows "Label problem.", so a search for the field's
 * sentence finds the field's own.
 */
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';

interface Announcement {
  field: string;
  text: string;
}

interface Announcer {
  announce(announcement: Announcement): void;
  withdraw(field: string): void;
}

const AnnouncerContext = createContext<Announcer>({
  announce: () => undefined,
  withdraw: () => undefined,
});

/** The region and what puts text into it, for the fields inside. */
export function FieldAnnouncer(props: { children: ReactNode }) {
  const [current, setCurrent] = useState<Announcement | undefined>();
  const announcer = useMemo<Announcer>(
    () => ({
      announce: setCurrent,
      withdraw: (field) => setCurrent((shown) => (shown?.field === field ? undefined : shown)),
    }),
    [],
  );
  return (
    <AnnouncerContext.Provider value={announcer}>
      {props.children}
      <div role="status" className="visually-hidden" data-testid="field-announcer">
        {current?.text}
      </div>
    </AnnouncerContext.Provider>
  );
}

/**
 * What a field calls on blur (its problem, or none); the field's problem is withdrawn from the
 * region once the field has none.
 */
export function useFieldAnnouncement(
  field: string,
  label: string,
  problem: string | undefined,
): () => void {
  const { announce, withdraw } = useContext(AnnouncerContext);
  useEffect(() => {
    if (problem === undefined) withdraw(field);
  }, [field, problem, withdraw]);
  return () =>
    problem === undefined ? withdraw(field) : announce({ field, text: `${label}: ${problem}.` });
}
