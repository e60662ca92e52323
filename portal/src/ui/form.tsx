import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import * as z from 'zod';
import { ApiError } from '../api';

/**
 * Forms check what a person typed with the API's own zod schema before sending it, and show each
 * field's problem beside the field; what the API still refuses (a 400 with `problems`) lands the
 * same way. Field names are the schema's dotted paths (`employee.email`).
 */
export type Problems = Readonly<Record<string, string>>;

export interface FormState<Out> {
  readonly problems: Problems;
  /** A sending is under way (the submit button waits). */
  readonly busy: boolean;
  /** A failure that belongs to no field (the API's 409, 5xx, the network), for `<Failure>`. */
  readonly error?: Error;
  /** The schema's output when the value is valid; otherwise undefined, with `problems` set. */
  check(value: unknown): Out | undefined;
  /** Takes the API's refusal: its field problems go beside the fields; other failures return false. */
  refused(error: unknown): boolean;
  /**
   * The one way a form is sent: the value checked with the schema (nothing is sent when it fails),
   * then `send` with the schema's output while `busy`; the API's field problems land beside the
   * fields, any other failure in `error` (through `describe`, when a page words it its own way).
   */
  submit(value: unknown, send: (body: Out) => Promise<unknown>, describe?: (error: Error) => Error): Promise<void>;
  clear(): void;
}

export function useSchemaForm<S extends z.core.$ZodType>(schema: S): FormState<z.output<S>> {
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const form: FormState<z.output<S>> = {
    problems,
    busy,
    error,
    check(value) {
      const result = z.safeParse(schema, value);
      if (result.success) {
        setProblems({});
        return result.data;
      }
      const found: Record<string, string> = {};
      for (const issue of result.error.issues) found[issue.path.join('.')] ??= issue.message;
      setProblems(found);
      return undefined;
    },
    refused(failure) {
      if (!(failure instanceof ApiError) || !failure.problems.length) return false;
      setProblems(Object.fromEntries(failure.problems.map((p) => [p.field, p.rule])));
      return true;
    },
    async submit(value, send, describe = (e) => e) {
      setError(undefined);
      const body = form.check(value);
      if (body === undefined) return;
      setBusy(true);
      try {
        await send(body);
      } catch (e) {
        if (!form.refused(e)) setError(describe(e instanceof Error ? e : new Error(String(e))));
      } finally {
        setBusy(false);
      }
    },
    clear: () => setProblems({}),
  };
  return form;
}

const fieldId = (name: string) => `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;

interface FieldProps {
  readonly name: string;
  readonly label: string;
  readonly problems: Problems;
  readonly hint?: ComponentChildren;
}

/** A labelled field with its hint and its problem, tied to the control for assistive technology. */
function Field(props: FieldProps & { readonly control: (a11y: { id: string; 'aria-invalid'?: 'true'; 'aria-describedby'?: string }) => ComponentChildren }) {
  const id = fieldId(props.name);
  const problem = props.problems[props.name];
  const described = [props.hint ? `${id}-hint` : '', problem ? `${id}-problem` : ''].filter(Boolean).join(' ');
  return (
    <div class={`field${problem ? ' has-problem' : ''}`}>
      <label for={id}>{props.label}</label>
      {props.hint ? (
        <p class="hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.control({ id, ...(problem ? { 'aria-invalid': 'true' as const } : {}), ...(described ? { 'aria-describedby': described } : {}) })}
      {problem ? (
        <p class="problem" id={`${id}-problem`}>
          {problem}
        </p>
      ) : null}
    </div>
  );
}

/** What a text field may say of its input, beyond its name and value. */
interface InputProps {
  readonly type?: 'text' | 'email' | 'date' | 'datetime-local' | 'number' | 'search' | 'tel';
  readonly required?: boolean;
  readonly autoComplete?: string;
  readonly placeholder?: string;
  readonly maxLength?: number;
  readonly inputMode?: 'text' | 'numeric' | 'email';
}

export function TextField(props: FieldProps & InputProps & { readonly value: string; readonly onValue: (value: string) => void }) {
  const { name, label, problems, hint, value, onValue, ...input } = props;
  return (
    <Field name={name} label={label} problems={problems} hint={hint} control={(a11y) => <input {...(input as Record<string, string | number | boolean | undefined>)} {...a11y} name={name} value={value} onInput={(e) => onValue(e.currentTarget.value)} />} />
  );
}

export function TextArea(props: FieldProps & { readonly value: string; readonly onValue: (value: string) => void; readonly rows?: number; readonly required?: boolean }) {
  const { name, label, problems, hint, value, onValue, rows, required } = props;
  return (
    <Field name={name} label={label} problems={problems} hint={hint} control={(a11y) => <textarea {...a11y} name={name} rows={rows ?? 4} required={required} value={value} onInput={(e) => onValue(e.currentTarget.value)} />} />
  );
}

export function SelectField(props: FieldProps & { readonly value: string; readonly onValue: (value: string) => void; readonly options: readonly (readonly [value: string, label: string])[] }) {
  const { name, label, problems, hint, value, onValue, options } = props;
  return (
    <Field
      name={name}
      label={label}
      problems={problems}
      hint={hint}
      control={(a11y) => (
        <select {...a11y} name={name} value={value} onChange={(e) => onValue(e.currentTarget.value)}>
          {options.map(([v, l]) => (
            <option key={v} value={v}>
              {l}
            </option>
          ))}
        </select>
      )}
    />
  );
}

/** A form's problems that belong to no field on it (e.g. a rule across fields), listed above the buttons. */
export function OtherProblems(props: { readonly problems: Problems; readonly shown: readonly string[] }) {
  const rest = Object.entries(props.problems).filter(([field]) => !props.shown.includes(field));
  if (!rest.length) return null;
  return (
    <div class="error" role="alert">
      <ul>
        {rest.map(([field, rule]) => (
          <li key={field}>
            {field ? <code>{field}</code> : null} {rule}
          </li>
        ))}
      </ul>
    </div>
  );
}
