-- Roles and databases of the platform for the postgres container of docker-compose.yml, the same
-- layout scripts/lib/postgres.mjs provisions for the local stack (architecture section 2):
--   atp_<svc>      owner of atp_<svc> and atp_<svc>_test, runs the migrations
--   atp_<svc>_app  application role: CONNECT + USAGE on public; migrations grant it DML
-- CONNECT is revoked from PUBLIC so one service cannot open another service's database.
-- Runs once, on an empty data volume, as the superuser (POSTGRES_USER=atp). Passwords equal role
-- names: local development only.
\set ON_ERROR_STOP on

-- config
CREATE ROLE atp_config LOGIN PASSWORD 'atp_config';
CREATE ROLE atp_config_app LOGIN PASSWORD 'atp_config_app';
CREATE DATABASE atp_config OWNER atp_config;
REVOKE ALL ON DATABASE atp_config FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE atp_config TO atp_config_app;
\connect atp_config
CREATE EXTENSION IF NOT EXISTS pgcrypto;
GRANT USAGE ON SCHEMA public TO atp_config_app;
\connect postgres
CREATE DATABASE atp_config_test OWNER atp_config;
REVOKE ALL ON DATABASE atp_config_test FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE atp_config_test TO atp_config_app;
\connect atp_config_test
CREATE EXTENSION IF NOT EXISTS pgcrypto;
GRANT USAGE ON SCHEMA public TO atp_config_app;
\connect postgres

-- workflow
CREATE ROLE atp_workflow LOGIN PASSWORD 'atp_workflow';
CREATE ROLE atp_workflow_app LOGIN PASSWORD 'atp_workflow_app';
CREATE DATABASE atp_workflow OWNER atp_workflow;
REVOKE ALL ON DATABASE atp_workflow FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE atp_workflow TO atp_workflow_app;
\connect atp_workflow
CREATE EXTENSION IF NOT EXISTS pgcrypto;
GRANT USAGE ON SCHEMA public TO atp_workflow_app;
\connect postgres
CREATE DATABASE atp_workflow_test OWNER atp_workflow;
REVOKE ALL ON DATABASE atp_workflow_test FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE atp_workflow_test TO atp_workflow_app;
\connect atp_workflow_test
CREATE EXTENSION IF NOT EXISTS pgcrypto;
GRANT USAGE ON SCHEMA public TO atp_workflow_app;
\connect postgres

-- submission
CREATE ROLE atp_submission LOGIN PASSWORD 'atp_submission';
CREATE ROLE atp_submission_app LOGIN PASSWORD 'atp_submission_app';
CREATE DATABASE atp_submission OWNER atp_submission;
REVOKE ALL ON DATABASE atp_submission FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE atp_submission TO atp_submission_app;
\connect atp_submission
CREATE EXTENSION IF NOT EXISTS pgcrypto;
GRANT USAGE ON SCHEMA public TO atp_submission_app;
\connect postgres
CREATE DATABASE atp_submission_test OWNER atp_submission;
REVOKE ALL ON DATABASE atp_submission_test FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE atp_submission_test TO atp_submission_app;
\connect atp_submission_test
CREATE EXTENSION IF NOT EXISTS pgcrypto;
GRANT USAGE ON SCHEMA public TO atp_submission_app;
\connect postgres

-- punchlist
CREATE ROLE atp_punchlist LOGIN PASSWORD 'atp_punchlist';
CREATE ROLE atp_punchlist_app LOGIN PASSWORD 'atp_punchlist_app';
CREATE DATABASE atp_punchlist OWNER atp_punchlist;
REVOKE ALL ON DATABASE atp_punchlist FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE atp_punchlist TO atp_punchlist_app;
\connect atp_punchlist
CREATE EXTENSION IF NOT EXISTS pgcrypto;
GRANT USAGE ON SCHEMA public TO atp_punchlist_app;
\connect postgres
CREATE DATABASE atp_punchlist_test OWNER atp_punchlist;
REVOKE ALL ON DATABASE atp_punchlist_test FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE atp_punchlist_test TO atp_punchlist_app;
\connect atp_punchlist_test
CREATE EXTENSION IF NOT EXISTS pgcrypto;
GRANT USAGE ON SCHEMA public TO atp_punchlist_app;
\connect postgres

-- gateway
CREATE ROLE atp_gateway LOGIN PASSWORD 'atp_gateway';
CREATE ROLE atp_gateway_app LOGIN PASSWORD 'atp_gateway_app';
CREATE DATABASE atp_gateway OWNER atp_gateway;
REVOKE ALL ON DATABASE atp_gateway FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE atp_gateway TO atp_gateway_app;
\connect atp_gateway
CREATE EXTENSION IF NOT EXISTS pgcrypto;
GRANT USAGE ON SCHEMA public TO atp_gateway_app;
\connect postgres
CREATE DATABASE atp_gateway_test OWNER atp_gateway;
REVOKE ALL ON DATABASE atp_gateway_test FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE atp_gateway_test TO atp_gateway_app;
\connect atp_gateway_test
CREATE EXTENSION IF NOT EXISTS pgcrypto;
GRANT USAGE ON SCHEMA public TO atp_gateway_app;
\connect postgres
