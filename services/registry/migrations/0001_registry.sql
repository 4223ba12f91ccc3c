CREATE TABLE enterprises (
    id            uuid PRIMARY KEY,
    seq           bigserial UNIQUE,
    credit_code   text NOT NULL UNIQUE,
    name          text NOT NULL,
    city          text NOT NULL,
    county        text,
    industry      text NOT NULL,
    contact_name  text,
    contact_email text,
    registered_at timestamptz NOT NULL
);

CREATE TABLE projects (
    id            uuid PRIMARY KEY,
    seq           bigserial UNIQUE,
    enterprise_id uuid NOT NULL REFERENCES enterprises (id),
    version       integer NOT NULL,
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
    name          text NOT NULL,
    type          text NOT NULL,
    family        text NOT NULL,
    city          text NOT NULL,
    spec          jsonb NOT NULL,
    registered_at timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
CREATE INDEX projects_by_enterprise ON projects (enterprise_id, seq);
CREATE INDEX projects_by_city ON projects (city, seq);
CREATE INDEX projects_by_type ON projects (type, seq);

CREATE TABLE project_versions (
    project_id  uuid NOT NULL REFERENCES projects (id),
    version     integer NOT NULL,
    event_type  text NOT NULL,
    spec        jsonb NOT NULL,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (project_id, version, event_type)
);

CREATE TABLE intake_jobs (
    id             uuid PRIMARY KEY,
    enterprise_id  uuid NOT NULL REFERENCES enterprises (id),
    format         text NOT NULL CHECK (format IN ('jsonl', 'csv')),
    status         text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    total_rows     integer NOT NULL DEFAULT 0,
    processed_rows integer NOT NULL DEFAULT 0,
    accepted_rows  integer NOT NULL DEFAULT 0,
    rejected_rows  integer NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz
);

CREATE TABLE intake_rows (
    job_id  uuid NOT NULL REFERENCES intake_jobs (id) ON DELETE CASCADE,
    line_no integer NOT NULL,
    raw     text NOT NULL,
    PRIMARY KEY (job_id, line_no)
);

CREATE TABLE intake_errors (
    job_id  uuid NOT NULL REFERENCES intake_jobs (id) ON DELETE CASCADE,
    line_no integer NOT NULL,
    reason  text NOT NULL,
    PRIMARY KEY (job_id, line_no)
);
