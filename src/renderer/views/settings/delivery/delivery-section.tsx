/**
 * The Delivery section of Settings, in three parts: uploads (parallel uploads, sizes, the
 * request timeout), retries, and the circuit breaker.
 */
import type { Config } from '../../../../shared/config-schema.ts';
import { unitOfSetting } from '../../../../shared/config-units.ts';
import type { SettingsForm } from '../form/use-settings-form.ts';
import { NumberField } from '../form/settings-fields.tsx';
import { DurationListField, UnitField } from '../form/unit-fields.tsx';

type Delivery = Config['delivery'];

/**
 * A number field of `delivery.…`, with its problem and lock from the form; a duration or a size
 * is typed in its units.
 */
function DeliveryNumber(props: {
  form: SettingsForm;
  path: readonly string[];
  label: string;
  value: number;
  hint: string;
}) {
  const { form, path } = props;
  const field = `delivery.${path.join('.')}`;
  const Field = unitOfSetting(['delivery', ...path]) === undefined ? NumberField : UnitField;
  return (
    <Field
      label={props.label}
      field={field}
      value={props.value}
      hint={props.hint}
      problem={form.problemOf(field)}
      lockedReason={form.locked(field)}
      onChange={(next) => form.update(['delivery', ...path], next)}
    />
  );
}

/** The Delivery fieldset. */
export function DeliverySection(props: { form: SettingsForm }) {
  const { form } = props;
  const { delivery } = form.draft;
  return (
    <fieldset className="card">
      <legend>
        <h2>Delivery</h2>
      </legend>
      <UploadFields form={form} delivery={delivery} />
      <h3>Retries</h3>
      <RetryFields form={form} delivery={delivery} />
      <h3>Circuit breaker</h3>
      <p className="hint">
        When SharePoint keeps failing, SiteDrop pauses all uploads and probes it now and then,
        instead of retrying every file.
      </p>
      <BreakerFields form={form} delivery={delivery} />
    </fieldset>
  );
}

function UploadFields(props: { form: SettingsForm; delivery: Delivery }) {
  const { form, delivery } = props;
  return (
    <div className="form-grid">
      <DeliveryNumber
        form={form}
        path={['concurrency']}
        label="Uploads at the same time"
        value={delivery.concurrency}
        hint="1 to 32. More is faster on a good connection; SharePoint may throttle above 8."
      />
      <DeliveryNumber
        form={form}
        path={['chunkSizeBytes']}
        label="Upload chunk size"
        value={delivery.chunkSizeBytes}
        hint="Larger files are sent in pieces of this size."
      />
      <DeliveryNumber
        form={form}
        path={['simpleUploadMaxBytes']}
        label="Largest file sent in one request"
        value={delivery.simpleUploadMaxBytes}
        hint="Larger files go in chunks through an upload session."
      />
      <DeliveryNumber
        form={form}
        path={['requestTimeoutMs']}
        label="Request timeout"
        value={delivery.requestTimeoutMs}
        hint="How long one request to SharePoint may take."
      />
    </div>
  );
}

function RetryFields(props: { form: SettingsForm; delivery: Delivery }) {
  const { form } = props;
  const { retry } = props.delivery;
  return (
    <div className="form-grid">
      <DurationListField
        label="Quick retries"
        field="delivery.retry.inProcessDelaysMs"
        value={retry.inProcessDelaysMs}
        hint="Waits between quick retries of a failed upload, e.g. 1 s, 2 s, 4 s."
        problem={form.listProblemOf('delivery.retry.inProcessDelaysMs')}
        lockedReason={form.locked('delivery.retry.inProcessDelaysMs')}
        onChange={(next) => form.update(['delivery', 'retry', 'inProcessDelaysMs'], next)}
      />
      <DeliveryNumber
        form={form}
        path={['retry', 'storedDelayMinMs']}
        label="Later retry, first wait"
        value={retry.storedDelayMinMs}
        hint="After the quick retries, the wait before the next try; it doubles each time."
      />
      <DeliveryNumber
        form={form}
        path={['retry', 'storedDelayMaxMs']}
        label="Later retry, longest wait"
        value={retry.storedDelayMaxMs}
        hint="The wait between tries never grows beyond this."
      />
      <DeliveryNumber
        form={form}
        path={['retry', 'maxAgeMs']}
        label="Give up after"
        value={retry.maxAgeMs}
        hint="A file still not delivered this long after it was first queued fails."
      />
    </div>
  );
}

function BreakerFields(props: { form: SettingsForm; delivery: Delivery }) {
  const { form } = props;
  const { breaker } = props.delivery;
  return (
    <div className="form-grid">
      <DeliveryNumber
        form={form}
        path={['breaker', 'failureThreshold']}
        label="Failures in a row"
        value={breaker.failureThreshold}
        hint="This many failed calls in a row within the window pause uploads."
      />
      <DeliveryNumber
        form={form}
        path={['breaker', 'failureRateThreshold']}
        label="Failure rate"
        value={breaker.failureRateThreshold}
        hint="Or this fraction of failed calls within the window (0 to 1, e.g. 0.5)…"
      />
      <DeliveryNumber
        form={form}
        path={['breaker', 'minimumRequests']}
        label="Calls before the rate counts"
        value={breaker.minimumRequests}
        hint="…once at least this many calls were made in it."
      />
      <DeliveryNumber
        form={form}
        path={['breaker', 'windowMs']}
        label="Window"
        value={breaker.windowMs}
        hint="The time the failures above are counted in."
      />
      <DeliveryNumber
        form={form}
        path={['breaker', 'probeIntervalMs']}
        label="Probe every"
        value={breaker.probeIntervalMs}
        hint="While paused, how often SiteDrop checks whether SharePoint works again."
      />
    </div>
  );
}
