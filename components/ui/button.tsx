// The console's buttons: one look per role, so a page cannot drift from the rest. A button that
// does not look like one (a tab, a tree row, a key name in a table) stays a plain <button>.

import type { ComponentPropsWithRef } from "react";
import { cn } from "./cn";

const variants = {
  // text-panel: white on the light theme, dark on the dark theme's lighter accent and red (contrast).
  /** The one action a form or dialog is for. */
  primary: "bg-accent text-panel rounded font-medium",
  /** An action that removes data. */
  danger: "bg-bad text-panel rounded font-medium",
  /** Everything else with a frame: cancel, retry, load more, row actions. */
  secondary: "border-line hover:bg-sunken rounded border",
  /** Page chrome beside the content (theme, sign out): muted until hovered, its own compact size. */
  quiet: "border-line text-muted hover:text-fg rounded border px-2 py-1",
  /** An action that reads as a link (show more, open, retry in a sentence of its own). */
  link: "text-accent hover:underline",
  /** A link inside a sentence: takes the sentence's colour. */
  inline: "underline",
  /** An icon or a close mark: no frame, muted until hovered. */
  ghost: "text-muted hover:text-fg",
} as const;

const sizes = {
  /** Dialog footers and the main action of a page. */
  md: "px-3 py-1.5 text-sm",
  /** Forms and lists inside a card. */
  sm: "px-3 py-1",
  /** Toolbars and table rows. */
  xs: "px-2 py-0.5",
  /** Text-like variants and `quiet`: no padding from the size. */
  bare: "",
} as const;

export type ButtonVariant = keyof typeof variants;
export type ButtonSize = keyof typeof sizes;

const sized = new Set<ButtonVariant>(["primary", "danger", "secondary"]);

/** The classes of a button, for an element that must look like one (a download link). */
export function buttonStyle({
  variant = "secondary",
  size,
  className,
}: {
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
} = {}): string {
  return cn(
    variants[variant],
    sizes[size ?? (sized.has(variant) ? "md" : "bare")],
    // aria-disabled too: a button that must keep the keyboard focus while busy is not `disabled`.
    "disabled:opacity-60 aria-disabled:opacity-60",
    className,
  );
}

export type ButtonProps = ComponentPropsWithRef<"button"> & {
  variant?: ButtonVariant;
  /** primary, danger and secondary default to `md`; the others to `bare`. */
  size?: ButtonSize;
};

/** A <button> of type "button" unless told otherwise, so one inside a form never submits it by accident. */
export function Button({ variant = "secondary", size, className, type = "button", ...rest }: ButtonProps) {
  return <button type={type} className={buttonStyle({ variant, size, className })} {...rest} />;
}
