import "server-only";
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";
import { dataDir, env } from "@/lib/env";

export type Mail = { to: string; subject: string; text: string };

let transport: ReturnType<typeof nodemailer.createTransport> | undefined;

/** The folder where mail is kept when no SMTP server is configured. */
export const outboxDir = () => path.join(dataDir(), "outbox");

/**
 * Sends a mail through SMTP_URL (nodemailer), or, without it, writes it as an .eml file
 * to DATA_DIR/outbox so `npm start` works on its own and the mail can be read there.
 * The log line names the file or the message id, never the content (it holds a secret link).
 */
export async function sendMail(mail: Mail): Promise<void> {
  const message = { from: env.MAIL_FROM, to: mail.to, subject: mail.subject, text: mail.text };
  if (env.SMTP_URL) {
    transport ??= nodemailer.createTransport(env.SMTP_URL);
    const sent = await transport.sendMail(message);
    console.log(`[mail] sent ${sent.messageId}`);
    return;
  }
  const dir = outboxDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, "-")}-${randomUUID().slice(0, 8)}.eml`);
  const eml = [
    `From: ${message.from}`,
    `To: ${message.to}`,
    `Subject: ${message.subject}`,
    `Date: ${new Date().toUTCString()}`,
    "Content-Type: text/plain; charset=utf-8",
    "",
    message.text,
    "",
  ].join("\r\n");
  writeFileSync(file, eml, { mode: 0o600 });
  console.log(`[mail] no SMTP_URL: kept in ${path.relative(process.cwd(), file)}`);
}
