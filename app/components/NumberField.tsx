/**
 * A Polaris number field that keeps what the merchant is typing ("12.") while handing the parent a
 * parsed number (null while blank or unparseable). Money fields show dollars and hand back cents.
 */
import { useEffect, useState } from "react";
import { TextField } from "@shopify/polaris";

export interface NumberFieldProps {
  label: string;
  value: number | null | undefined;
  onChange(value: number | null): void;
  money?: boolean;
  currencySymbol?: string;
  suffix?: string;
  error?: string | false;
  helpText?: string;
  labelHidden?: boolean;
  min?: number;
}

const show = (v: number | null | undefined, money: boolean) => (v == null || Number.isNaN(v) ? "" : money ? String(v / 100) : String(v));

export function NumberField({ label, value, onChange, money = false, currencySymbol = "$", suffix, error, helpText, labelHidden, min }: NumberFieldProps) {
  const [text, setText] = useState(show(value, money));
  useEffect(() => {
    const parsed = text.trim() === "" ? null : Number(text);
    const current = parsed == null || Number.isNaN(parsed) ? null : money ? Math.round(parsed * 100) : parsed;
    if (current !== (value ?? null)) setText(show(value, money));
    // Only outside changes resync the text.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value, money]);
  return (
    <TextField
      label={label}
      labelHidden={labelHidden}
      type="number"
      autoComplete="off"
      value={text}
      prefix={money ? currencySymbol : undefined}
      suffix={suffix}
      min={min}
      step={money ? 0.01 : 1}
      error={error || undefined}
      helpText={helpText}
      onChange={(t) => {
        setText(t);
        const n = t.trim() === "" ? null : Number(t);
        onChange(n == null || Number.isNaN(n) ? null : money ? Math.round(n * 100) : n);
      }}
    />
  );
}
