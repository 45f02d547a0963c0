import type { Client } from 'pg';
import type { IntegrityService } from '@atp/contracts';

/**
 * Orphans written straight into a service's database (as a bad restore or a manual fix would), for a fresh
 * workspace no replica knows, with the exact number each check must find. `session_replication_role =
 * replica` lets the superuser write rows the intra-service foreign keys and triggers would refuse.
 */
export async function injectOrphans(
  client: Client,
  service: IntegrityService,
  ws: string,
  tag: string,
): Promise<Record<string, number>> {
  await client.query(`SET session_replication_role = replica`);
  try {
    return await INJECT[service](client, ws, tag);
  } finally {
    await client.query(`SET session_replication_role = DEFAULT`);
  }
}

const INJECT: Record<IntegrityService, (c: Client, ws: string, tag: string) => Promise<Record<string, number>>> = {
  async workflow(c, ws, t) {
    for (const [n, vendor] of [
      [1, `v-${t}`],
      [2, null],
    ] as const) {
      await c.query(
        `INSERT INTO workflow_instances (id, workspace_id, submission_id, attempt_number, config_version_id, approval_policy_id, site_id,
           vendor_id, scope_id, atp_category, total_stages, submitted_by, routing_snapshot)
         VALUES ($1, $2, $3, 1, $4, $5, $6, $7, $8, 'RAN_MW', 3, 'u-x', '{}')`,
        [`wf-${t}-${n}`, ws, `sub-${t}-${n}`, `cv-${t}`, `pol-${t}`, `site-${t}`, vendor, `scope-${t}`],
      );
    }
    for (const n of [1, 2, 3]) {
      await c.query(
        `INSERT INTO workflow_stages (id, workspace_id, workflow_instance_id, config_version_id, stage_number, stage_name, approval_role_id,
           role_code, sla_hours, approver_user_id, backup_user_id, policy_stage_id)
         VALUES ($1, $2, $3, $4, $5, 'Review', $6, 'ROLE', 24, $7, $8, $9)`,
        [
          `st-${t}-${n}`,
          ws,
          `wf-${t}-missing`,
          `cv-${t}`,
          n,
          `role-${t}`,
          n < 3 ? `u-${t}` : null,
          n === 1 ? `u-b-${t}` : null,
          n === 1 ? `ps-${t}` : null,
        ],
      );
    }
    await c.query(
      `INSERT INTO approver_overrides (workspace_id, override_type, submission_id, approval_role_id, role_code, from_user_id, to_user_id,
         override_reason, requestor_user_id)
       VALUES ($1, 'SUBMISSION', $2, $3, 'ROLE', $4, $5, 'leave', 'u-x')`,
      [ws, `sub-${t}-1`, `role-${t}`, `u-from-${t}`, `u-to-${t}`],
    );
    return {
      'workflow.workflow_instances.workspace_id': 2,
      'workflow.workflow_instances.config_version_id': 2,
      'workflow.workflow_instances.approval_policy_id': 2,
      'workflow.workflow_instances.scope_id': 2,
      'workflow.workflow_instances.vendor_id': 1,
      'workflow.workflow_instances.site_id': 2,
      'workflow.workflow_stages.config_version_id': 3,
      'workflow.workflow_stages.approval_role_id': 3,
      'workflow.workflow_stages.policy_stage_id': 1,
      'workflow.workflow_stages.approver_user_id': 2,
      'workflow.workflow_stages.backup_user_id': 1,
      'workflow.approver_overrides.workspace_id': 1,
      'workflow.approver_overrides.approval_role_id': 1,
      'workflow.approver_overrides.from_user_id': 1,
      'workflow.approver_overrides.to_user_id': 1,
      'workflow.workflow_stages.workflow_instance_id': 3,
    };
  },

  async submission(c, ws, t) {
    for (const [n, vendor, version, workflow] of [
      [1, `v-${t}`, `cv-${t}`, `wf-${t}`],
      [2, null, null, null],
    ] as const) {
      await c.query(
        `INSERT INTO atp_submissions (id, workspace_id, site_id, site_code, scope_id, scope_code, vendor_id, config_version_id,
           workflow_instance_id, created_by)
         VALUES ($1, $2, $3, 'SITE', $4, 'SCOPE', $5, $6, $7, 'u-x')`,
        [`sub-${t}-${n}`, ws, `site-${t}-${n}`, `scope-${t}`, vendor, version, workflow],
      );
    }
    await c.query(
      `INSERT INTO atp_submission_attempts (submission_id, attempt_number, workspace_id, status, document_id, atp_category,
         pinned_approval_matrix, pinned_cluster_mapping, pinned_scope_config, submitted_by)
       VALUES ($1, 1, $2, 'SUBMITTED', $3, 'RAN_MW', $4, $5, $6, 'u-x')`,
      [`sub-${t}-1`, ws, `doc-${t}`, `am-${t}`, `cm-${t}`, `sc-${t}`],
    );
    await c.query(
      `INSERT INTO atp_punchlist_gates (workflow_instance_id, workflow_stage_id, workspace_id, submission_id) VALUES ($1, $2, $3, $4)`,
      [`wf-gate-${t}`, `st-${t}`, ws, `sub-${t}-1`],
    );
    await c.query(
      `INSERT INTO bulk_jobs (workspace_id, kind, status, created_by) VALUES ($1, 'BULK', 'RUNNING', 'u-x')`,
      [ws],
    );
    return {
      'submission.atp_submissions.workspace_id': 2,
      'submission.atp_submissions.site_id': 2,
      'submission.atp_submissions.scope_id': 2,
      'submission.atp_submissions.vendor_id': 1,
      'submission.atp_submissions.config_version_id': 1,
      'submission.atp_submissions.workflow_instance_id': 1,
      'submission.atp_submission_attempts.pinned_approval_matrix': 1,
      'submission.atp_submission_attempts.pinned_cluster_mapping': 1,
      'submission.atp_submission_attempts.pinned_scope_config': 1,
      'submission.atp_punchlist_gates.workflow_instance_id': 1,
      'submission.bulk_jobs.workspace_id': 1,
    };
  },

  async punchlist(c, ws, t) {
    await c.query(
      `INSERT INTO workflow_facts (workflow_instance_id, workspace_id, submission_id) VALUES ($1, $2, $3)`,
      [`wf-${t}`, ws, `sub-${t}`],
    );
    for (const [n, workflow, submission] of [
      [1, `wf-${t}`, `sub-${t}`],
      [2, `wf-${t}`, `sub-${t}-other`],
      [3, `wf-${t}-missing`, `sub-${t}`],
    ]) {
      await c.query(
        `INSERT INTO punchlists (workspace_id, workflow_instance_id, workflow_stage_id, submission_id, origin, issued_by, issued_at,
           source_event_id, last_progress_at)
         VALUES ($1, $2, $3, $4, 'APPROVED_WITH_PUNCHLIST', 'u-x', now(), gen_random_uuid(), now())`,
        [ws, workflow, `st-${t}-${n}`, submission],
      );
    }
    return {
      'punchlist.punchlists.workspace_id': 1,
      'punchlist.punchlists.submission_id': 2,
      'punchlist.punchlists.workflow_instance_id': 1,
    };
  },

  async config(c, ws, t) {
    await c.query(
      `INSERT INTO config_versions (id, workspace_id, source_file_name, source_type, version_number, imported_by)
       VALUES ($1, $2, 'scopes.csv', 'SCOPE_CONFIG', 1, 'u-x')`,
      [`cv-${t}`, ws],
    );
    for (const n of [1, 2]) {
      await c.query(
        `INSERT INTO atp_scope_master (id, workspace_id, config_version_id, scope_code, scope_name, scope_group) VALUES ($1, $2, $3, $4, 'Scope', 'RAN')`,
        [`scope-${t}-${n}`, ws, `cv-${t}`, `S${n}`],
      );
    }
    await c.query(
      `INSERT INTO approval_policy_master (id, workspace_id, config_version_id, scope_id, atp_category) VALUES ($1, $2, $3, $4, 'RAN_MW')`,
      [`pol-${t}`, ws, `cv-${t}`, `scope-${t}-1`],
    );
    return {
      'config.config_versions.workspace_id': 1,
      'config.atp_scope_master.workspace_id': 2,
      'config.approval_policy_master.workspace_id': 1,
    };
  },
};
