import type { FastifyReply } from 'fastify';
import { problemZh } from '../domain/labels.zh.js';

/** A client mistake or a refusal, answered as RFC 9457 problem details. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * RFC 9457 problem details: which field, why, what is allowed; `detailZh` for the pages, the
 * status's Chinese words where the refusal brings none of its own.
 */
export function problem(reply: FastifyReply, status: number, title: string, detail: string, extra: Record<string, unknown> = {}) {
  return reply
    .status(status)
    .type('application/problem+json')
    .send({ type: 'about:blank', title, status, detail, detailZh: problemZh(status), ...extra });
}
