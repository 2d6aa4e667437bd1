-- "Contacter l'équipe": the reader may choose to give the author their
-- address, so that the author may answer by e-mail; by default no address
-- is shared with either side.
ALTER TABLE contact_messages ADD COLUMN share_address BOOLEAN NOT NULL DEFAULT FALSE;
