// Types for the vendored TOTP module (in place of @types/speakeasy).
import type { Buffer } from 'node:buffer';

export type Algorithm = 'sha1' | 'sha256' | 'sha512';

export interface OtpOptions {
  digits?: number;
  algorithm?: Algorithm;
}

export interface TotpOptions extends OtpOptions {
  time?: number;
  step?: number;
}

export function base32Encode(bytes: Uint8Array): string;
export function base32Decode(text: string): Buffer;
export function generateSecret(bytes?: number): string;
export function hotp(secret: Uint8Array | string, counter: number, options?: OtpOptions): string;
export function timeStep(time?: number, step?: number): number;
export function totp(secret: Uint8Array | string, options?: TotpOptions): string;
export function verifyTotp(
  secret: Uint8Array | string,
  token: string,
  options?: TotpOptions & { window?: number },
): number | null;
export function otpauthUri(options: {
  issuer: string;
  account: string;
  secret: string;
  digits?: number;
  period?: number;
}): string;
