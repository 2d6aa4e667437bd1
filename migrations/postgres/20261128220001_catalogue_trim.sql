-- PostgreSQL only: trim catalogue_log by equality on its leading key column.
--
-- catalogue_note used to delete "WHERE version < v - 1000" on every change.
-- Until the table is analyzed (a fresh database, or right after a large
-- import) the planner guesses that a third of the table matches and scans
-- all of it: 50 ms and more per decision with 100,000 published practices.
-- Versions are taken one at a time under the row lock of catalogue_version
-- and roll back with their transaction, so committed versions have no gaps:
-- deleting the one version that leaves the 1,000-version window keeps the
-- log exactly as long as before, with an index lookup whatever the table's
-- statistics. (SQLite always reads a range of the primary key through it.)
CREATE OR REPLACE FUNCTION catalogue_note(ids bigint[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v bigint;
BEGIN
    IF cardinality(ids) = 0 THEN
        RETURN;
    END IF;
    UPDATE catalogue_version SET version = version + 1 WHERE id = 1 RETURNING version INTO v;
    INSERT INTO catalogue_log (version, practice_id) SELECT DISTINCT v, unnest(ids);
    DELETE FROM catalogue_log WHERE version = v - 1001;
END
$$;

-- What the old trim left behind, once.
DELETE FROM catalogue_log WHERE version < (SELECT version FROM catalogue_version WHERE id = 1) - 1000;
