/**
 * The settings form's state in one hook, built on the draft model (`settings-draft.ts`): the
 * saved settings and the draft being edited, the write-only secrets typed in, which problems
 * show, and saving. The sections only render what it returns and call its actions.
 */
import { useCallback, useEffect, useMemo, useState, type FormEvent } from 'react';
import type { Config } from '../../../../shared/config-schema.ts';
import type {
  CommandParams,
  CommandResult,
  SettingsView,
} from '../../../../shared/feed-protocol.ts';
import { useFeedState } from '../../../feed/feed-context.tsx';
import { FeedCommandError, type FeedConnection } from '../../../feed/feed-connection.ts';
import { describeCertificateKeyProblem } from './certificate-key.ts';
import { checkConnection, isConnectionChange, type ConnectionCheck } from './connection-check.ts';
import {
  buildPatch,
  isEdited,
  isFieldLocked,
  setAt,
  validateDraft,
  type FieldPath,
  type FieldProblems,
} from './settings-draft.ts';

/**
 * What the last press of Save came to; a save that changed the connection carries the check of
 * it that follows. Each refusal has its own `serial`, so the error summary takes the focus again.
 */
export type SaveOutcome =
  | {
      kind: 'saved';
      changedFields: string[];
      restartRequiredFields: string[];
      connectionCheck?: ConnectionCheck;
    }
  | { kind: 'unchanged' }
  | { kind: 'refused'; message: string; serial: number };

/** The secrets typed into the form; empty means "keep the one the agent has". */
export interface SecretDrafts {
  clientSecret: string;
  certificateKey: string;
}

const noSecrets: SecretDrafts = { clientSecret: '', certificateKey: '' };

/** A loaded form: what the sections show and the actions they call. */
export interface SettingsForm {
  settings: SettingsView;
  draft: Config;
  secrets: SecretDrafts;
  /** Why the typed certificate key cannot be used, if it cannot. */
  certificateKeyProblem: string | undefined;
  isDirty: boolean;
  isSaving: boolean;
  isSubmitted: boolean;
  /** How many fields have a problem (whether shown yet or not). */
  problemCount: number;
  outcome: SaveOutcome | undefined;
  /** The policy's reason when it sets the field, else undefined. */
  locked(field: FieldPath): string | undefined;
  /** The field's problem, once it is shown: after the field was edited or Save was pressed. */
  problemOf(field: FieldPath): string | undefined;
  /** The first shown problem of a list field or of one of its entries (`x.y[2]`). */
  listProblemOf(field: FieldPath): string | undefined;
  update(path: readonly (string | number)[], value: unknown): void;
  setSecret(name: keyof SecretDrafts, value: string): void;
  submit(event: FormEvent): void;
  undo(): void;
}

/** The settings form, or why it is not there yet. */
export type SettingsFormState =
  { kind: 'loading' } | { kind: 'failed'; message: string } | { kind: 'ready'; form: SettingsForm };

/** The settings form's state and actions. */
export function useSettingsForm(): SettingsFormState {
  const feed = useFeedState();
  const { connection } = feed;
  const loaded = useLoadedSettings(connection, feed.status.kind === 'open');
  const { settings, draft, setDraft } = loaded;
  const [secrets, setSecrets] = useState<SecretDrafts>(noSecrets);
  const [serverProblems, setServerProblems] = useState<FieldProblems>({});
  const [isSubmitted, setIsSubmitted] = useState(false);
  const { outcome, setOutcome, refuse } = useSaveOutcome();
  const [isSaving, setIsSaving] = useState(false);

  const problems = useMemo(() => (draft ? validateDraft(draft) : {}), [draft]);
  const patch = useMemo(
    () => (settings && draft ? buildPatch(settings.config, draft) : {}),
    [settings, draft],
  );

  if (loaded.loadError !== undefined && settings === undefined) {
    return { kind: 'failed', message: loaded.loadError };
  }
  if (settings === undefined || draft === undefined) return { kind: 'loading' };

  const isDirty = Object.keys(patch).length > 0 || secrets !== noSecrets;
  const certificateKeyProblem = describeCertificateKeyProblem(secrets.certificateKey);
  const problemOf = (field: FieldPath): string | undefined => {
    const problem = serverProblems[field] ?? problems[field];
    if (problem === undefined) return undefined;
    return isSubmitted || isEdited(settings.config, draft, field) ? problem : undefined;
  };
  /** Back to a clean form on `next` (just saved) or on the saved settings (undo). */
  const startOver = (next: SettingsView | undefined, nextOutcome: SaveOutcome | undefined) => {
    if (next) loaded.setSettings(next);
    setOutcome(nextOutcome);
    setDraft((next ?? settings).config);
    setSecrets(noSecrets);
    setIsSubmitted(false);
    setServerProblems({});
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (isSaving) return;
    setIsSubmitted(true);
    if (Object.keys(problems).length > 0 || certificateKeyProblem !== undefined) {
      refuse('Nothing was saved: correct the fields listed at the top of Settings first.');
      return;
    }
    if (!isDirty) {
      setOutcome({ kind: 'unchanged' });
      return;
    }
    if (!connection) return;
    setIsSaving(true);
    sendSave(connection, saveParams(patch, secrets), {
      onSaved: (result) => {
        setIsSaving(false);
        const isChecked = isConnectionChange(result.changedFields);
        startOver(result.settings, savedOutcome(result, isChecked));
        if (isChecked) void followConnectionCheck(connection, setOutcome);
      },
      onRefused: (fieldProblems, message) => {
        setIsSaving(false);
        setServerProblems(fieldProblems);
        refuse(message);
      },
    });
  };

  return {
    kind: 'ready',
    form: {
      settings,
      draft,
      secrets,
      certificateKeyProblem,
      isDirty,
      isSaving,
      isSubmitted,
      problemCount: Object.keys(problems).length,
      outcome,
      locked: (field) =>
        isFieldLocked(settings.lockedFields, field) ? settings.lockedReason : undefined,
      problemOf,
      listProblemOf: (field) => {
        const entry = listEntryWithProblem({ ...problems, ...serverProblems }, field);
        return entry === undefined ? undefined : problemOf(entry);
      },
      update: (path, value) => {
        setOutcome(undefined);
        setServerProblems({});
        setDraft((current) => (current ? setAt(current, path, value) : current));
      },
      setSecret: (name, value) => {
        setOutcome(undefined);
        setSecrets((current) => {
          const next = { ...current, [name]: value };
          return next.clientSecret === '' && next.certificateKey === '' ? noSecrets : next;
        });
      },
      submit,
      undo: () => startOver(undefined, undefined),
    },
  };
}

/** The last press of Save, and what a refusal sets it to (counting refusals in a row). */
function useSaveOutcome() {
  const [outcome, setOutcome] = useState<SaveOutcome | undefined>();
  const refuse = (message: string) =>
    setOutcome((current) => ({
      kind: 'refused',
      message,
      serial: current?.kind === 'refused' ? current.serial + 1 : 1,
    }));
  return { outcome, setOutcome, refuse };
}

/** A save's outcome; `isChecked` when the connection check that follows it is under way. */
function savedOutcome(result: CommandResult<'saveSettings'>, isChecked: boolean): SaveOutcome {
  return {
    kind: 'saved',
    changedFields: result.changedFields,
    restartRequiredFields: result.restartRequiredFields,
    ...(isChecked ? { connectionCheck: { kind: 'checking' } } : {}),
  };
}

/** Puts what the check after a save found into the outcome, unless the form moved on meanwhile. */
async function followConnectionCheck(
  connection: FeedConnection,
  setOutcome: (update: (current: SaveOutcome | undefined) => SaveOutcome | undefined) => void,
): Promise<void> {
  const check = await checkConnection(connection);
  setOutcome((current) =>
    current?.kind === 'saved' && current.connectionCheck?.kind === 'checking'
      ? { ...current, connectionCheck: check }
      : current,
  );
}

/** The field of a list, or the first of its entries (`x.y[2]`), that has a problem. */
function listEntryWithProblem(problems: FieldProblems, field: FieldPath): FieldPath | undefined {
  return Object.keys(problems).find((key) => key === field || key.startsWith(`${field}[`));
}

/** The saved settings, fetched once the feed is open, and the draft that starts from them. */
function useLoadedSettings(connection: FeedConnection | undefined, isReady: boolean) {
  const [settings, setSettings] = useState<SettingsView | undefined>();
  const [draft, setDraft] = useState<Config | undefined>();
  const [loadError, setLoadError] = useState<string | undefined>();
  const load = useCallback(() => {
    connection?.request('getSettings', {}).then(
      (result) => {
        setSettings(result);
        setDraft(result.config);
        setLoadError(undefined);
      },
      (failure: unknown) =>
        setLoadError(failure instanceof Error ? failure.message : String(failure)),
    );
  }, [connection]);
  useEffect(() => {
    if (isReady) load();
  }, [isReady, load]);
  return { settings, setSettings, draft, setDraft, loadError };
}

/** Sends saveSettings; a refusal comes with the agent's problems by field, if it named any. */
function sendSave(
  connection: FeedConnection,
  params: CommandParams<'saveSettings'>,
  handlers: {
    onSaved(result: CommandResult<'saveSettings'>): void;
    onRefused(problems: FieldProblems, message: string): void;
  },
): void {
  connection.request('saveSettings', params).then(handlers.onSaved, (failure: unknown) => {
    if (failure instanceof FeedCommandError) {
      handlers.onRefused(
        Object.fromEntries(failure.problems.map((problem) => [problem.field, problem.message])),
        failure.message,
      );
    } else {
      handlers.onRefused({}, String(failure));
    }
  });
}

/** The saveSettings request: the merge patch, and the secrets only when one was typed. */
function saveParams(
  patch: Record<string, unknown>,
  secrets: SecretDrafts,
): CommandParams<'saveSettings'> {
  const typed = Object.fromEntries(Object.entries(secrets).filter(([, value]) => value !== ''));
  return {
    ...(Object.keys(patch).length > 0 ? { config: patch } : {}),
    ...(Object.keys(typed).length > 0 ? { secrets: typed } : {}),
  };
}
