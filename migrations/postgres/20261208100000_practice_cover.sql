-- A practice's optional cover image (issue 13): the JSON of
-- passerelle.Cover (storage key, alternative text, size), or '' for none.
-- The resized files live in the attachments bucket under the key.
ALTER TABLE practices ADD COLUMN cover TEXT NOT NULL DEFAULT '';
