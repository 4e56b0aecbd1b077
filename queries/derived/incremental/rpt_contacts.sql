-- rpt_contacts for added imports: the added contacts (a contact is a copy of its row).
create or replace temp table scope_stg_contacts as
select *
from stg_contacts
where import_id in (select c.import_id from chg_imports as c where c.kind = 'contacts');

create or replace temp table affected_rpt_contacts as
select contact_id from scope_stg_contacts;
