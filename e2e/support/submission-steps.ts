import type { AtpCategory } from '@atp/approval-routing';
import { uniqueSuffix, waitFor } from '@atp/testing';
import type { Api } from './api-client';
import { expectStatus } from './api-client';
import { SCOPE_OF, USERS } from './demo-data';
import type { EventLog, LoggedEvent } from './event-log';
import type { Workspace } from './workspace';

/** A small, valid PDF (the upload sniffs content, not names); `tag` makes each version's bytes differ. */
export function pdfOf(tag: string): Buffer {
  return Buffer.from(
    `%PDF-1.4\n% ATP e2e ${tag}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
  );
}

export interface SubmissionView {
  id: string;
  status: string;
  attemptNumber: number;
  workflowInstanceId: string | null;
  currentStageNumber: number | null;
  documents: Array<{ documentId: string; version: number; sha256: string }>;
  attempts: Array<{
    attemptNumber: number;
    status: string;
    documentId: string;
    workflowInstanceId: string | null;
    qaDecision: string | null;
    configVersionIds: { approvalMatrix: string; clusterMapping: string; scopeConfig: string };
  }>;
  [key: string]: unknown;
}

/** The submission API as a document controller and a QA engineer use it, through the gateway. */
export class Submissions {
  constructor(
    private readonly api: Api,
    private readonly workspace: Workspace,
    readonly docControl: string = USERS.docControl,
    readonly qa: string = USERS.qa,
  ) {}

  private get base(): string {
    return `/workspaces/${this.workspace.id}/submissions`;
  }

  async create(category: AtpCategory, siteCode: string, actor = this.docControl): Promise<SubmissionView> {
    const body = {
      siteCode,
      scopeCode: SCOPE_OF[category],
      atpCategory: category,
      title: `e2e ${category} at ${siteCode}`,
    };
    return expectStatus(
      await this.api.as(actor).post(this.base, body),
      201,
      `create ${category} submission at ${siteCode}`,
    ).body;
  }

  async upload(
    submissionId: string,
    tag = uniqueSuffix(),
    actor = this.docControl,
  ): Promise<{ documentId: string; version: number }> {
    const answer = await this.api
      .as(actor)
      .upload(`${this.base}/${submissionId}/documents`, { documentType: 'ATP_DOCUMENT' }, [
        { field: 'file', fileName: `atp-${tag}.pdf`, content: pdfOf(tag), contentType: 'application/pdf' },
      ]);
    return expectStatus(answer, 201, `upload a document to ${submissionId}`).body;
  }

  async submit(submissionId: string, actor = this.docControl): Promise<SubmissionView> {
    return expectStatus(
      await this.api.as(actor).post(`${this.base}/${submissionId}/submit`, {}),
      200,
      `submit ${submissionId}`,
    ).body;
  }

  async qaReview(
    submissionId: string,
    decision: 'APPROVE' | 'REJECT',
    comment?: string,
    actor = this.qa,
  ): Promise<SubmissionView> {
    const answer = await this.api
      .as(actor)
      .post(`${this.base}/${submissionId}/qa-review`, { decision, ...(comment ? { comment } : {}) });
    return expectStatus(answer, 200, `QA ${decision} of ${submissionId}`).body;
  }

  async get(submissionId: string, actor: string = USERS.auditor): Promise<SubmissionView> {
    return expectStatus(await this.api.as(actor).get(`${this.base}/${submissionId}`), 200, `submission ${submissionId}`)
      .body;
  }

  /** Polls the submission until `match` holds (the projection follows workflow events asynchronously). */
  async waitFor(submissionId: string, match: (s: SubmissionView) => boolean, what: string): Promise<SubmissionView> {
    return waitFor(
      async () => {
        const view = await this.get(submissionId);
        return match(view) ? view : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what: `submission ${submissionId} ${what}` },
    );
  }

  async waitForStatus(submissionId: string, status: string): Promise<SubmissionView> {
    return this.waitFor(submissionId, (s) => s.status === status, `to be ${status}`);
  }

  /**
   * Create → upload → submit → QA approve, each through the API; answers once workflow-service has
   * started the attempt's workflow (its `workflow.started` event read from Kafka).
   */
  async startWorkflow(events: EventLog, category: AtpCategory, siteCode: string): Promise<StartedSubmission> {
    const created = await this.create(category, siteCode);
    const document = await this.upload(created.id);
    await this.submit(created.id);
    await this.qaReview(created.id, 'APPROVE', 'documents complete');
    const started = await workflowStarted(events, created.id, 1);
    return { submissionId: created.id, documentId: document.documentId, workflowId: started.aggregateId, started };
  }
}

export interface StartedSubmission {
  submissionId: string;
  documentId: string;
  workflowId: string;
  started: LoggedEvent;
}

export function workflowStarted(
  events: EventLog,
  submissionId: string,
  attemptNumber: number,
  from = 0,
): Promise<LoggedEvent> {
  return events.waitFor(
    (e) =>
      e.eventType === 'workflow.started' &&
      e.payload.submissionId === submissionId &&
      e.payload.attemptNumber === attemptNumber,
    `workflow.started of ${submissionId} attempt ${attemptNumber}`,
    { from },
  );
}
