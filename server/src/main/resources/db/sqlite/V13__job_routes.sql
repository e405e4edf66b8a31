-- The route of its model that took the job (a model may run on several engines: routes), written before any call to
-- that route; a resumed attempt, status, result and cancel use it, whatever the definitions say later. Null: not
-- routed yet, or a model with one engine.
ALTER TABLE jobs ADD COLUMN route TEXT;
