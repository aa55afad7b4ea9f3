-- Up Migration
-- How a staff user is shown to the others (the admin feed, the audit log); null shows their email.
ALTER TABLE staff_users ADD COLUMN name text CHECK (length(name) BETWEEN 1 AND 100);

-- Down Migration
ALTER TABLE staff_users DROP COLUMN name;
