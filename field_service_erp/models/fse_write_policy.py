from odoo import api, models
from odoo.exceptions import AccessError

DISPATCHER_GROUP = "field_service_erp.group_fse_dispatcher"


def field_labels(model, names):
    """ "'Label' (name), ..." of the fields `names` of `model`, for the policy's error messages."""
    return ", ".join(
        sorted(
            f"'{model._fields[name]._description_string(model.env)}' ({name})" if name in model._fields else name
            for name in names
        )
    )


class FseWritePolicy(models.AbstractModel):
    """The write policy of the field-service records a technician touches, checked in
    create() and write() whatever the caller (web client, JSON-RPC, JSON-2, import):

    - system fields, those the model declares read-only (states, dates stamped by the
      actions, computed, related and stock-link fields), are written only by the model's
      own methods, which do it as superuser after checking the caller's rights;
    - a user who is not a dispatcher (a technician) writes only the fields the model names
      in _fse_technician_fields() (plus _fse_technician_create_fields() on creation);
      any field added later is closed to technicians until it is named there;
    - dispatchers and managers write every other field their access rights allow.

    Models only the back office writes (contracts, plans, machines) declare no technician
    field: their access rights give technicians no write anyway.

    Record rules and access rights still decide which records a user may write at all."""

    _name = "fse.write.policy"
    _description = "Field Service Write Policy"

    @api.model
    def _fse_technician_fields(self):
        """Fields a technician may write on records they may write (hook: extend with super())."""
        return set()

    @api.model
    def _fse_technician_create_fields(self):
        """Fields a technician may also give when creating a record (e.g. its order)."""
        return set()

    @api.model
    def _fse_system_fields(self, names):
        """The fields among `names` that no API caller may write (read-only in the model)."""
        return {name for name in names if name in self._fields and self._fields[name].readonly}

    @api.model
    def _fse_check_write_policy(self, vals_list, creating=False):
        """Refuse values that the current user may not write; no query (group membership
        is cached), so batches cost nothing more."""
        if self.env.su:
            return
        names = set().union(*vals_list)
        system = self._fse_system_fields(names)
        if system:
            raise AccessError(
                self.env._(
                    "%(fields)s of %(model)s cannot be written directly; use the record's actions.",
                    fields=self._fse_field_labels(system),
                    model=self._description,
                )
            )
        if self.env.user.has_group(DISPATCHER_GROUP):
            return
        allowed = self._fse_technician_fields()
        if creating:
            allowed |= self._fse_technician_create_fields()
        refused = names - allowed
        if refused:
            raise AccessError(
                self.env._(
                    "Only a dispatcher can set %(fields)s of %(model)s.",
                    fields=self._fse_field_labels(refused),
                    model=self._description,
                )
            )

    @api.model
    def _fse_policy_create(self, vals_list):
        """The model to create `vals_list` with: the values are checked, and defaults given in
        the context for fields the user may not write are dropped (a default is a pre-fill,
        never a way around the policy: those fields take their normal default)."""
        self._fse_check_write_policy(vals_list, creating=True)
        if self.env.su:
            return self
        writable = set(self._fields) - self._fse_system_fields(self._fields)
        if not self.env.user.has_group(DISPATCHER_GROUP):
            writable &= self._fse_technician_fields() | self._fse_technician_create_fields()
        dropped = [
            key
            for key in self.env.context
            if key.startswith("default_") and key[8:] in self._fields and key[8:] not in writable
        ]
        if not dropped:
            return self
        context = {key: value for key, value in self.env.context.items() if key not in dropped}
        return self.with_env(self.env(context=context))

    def _fse_write_system(self, vals):
        """Write system fields (states, counters, schedules) from the model's own actions,
        which check the caller's rights on the records before calling this."""
        # sudo: the policy closes system fields to every caller but the model's own methods.
        return self.sudo().write(vals)

    @api.model
    def _fse_field_labels(self, names):
        return field_labels(self, names)
