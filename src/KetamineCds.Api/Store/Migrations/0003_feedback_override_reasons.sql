-- Every override reason an item carried (Epic sends overrideReasons, which may hold several; the reason columns keep
-- the first, which the statistics count): a JSON array of {system, code, display}.
ALTER TABLE feedback ADD COLUMN override_reasons TEXT;
