"""Administrators can correct provider details, rates and the budget for a financial year."""

from django.contrib import admin

from victim_care.models import BudgetYear, ProviderProfile, Tariff


@admin.register(BudgetYear)
class BudgetYearAdmin(admin.ModelAdmin):
    list_display = ["starts_on", "amount_pence"]


@admin.register(ProviderProfile)
class ProviderProfileAdmin(admin.ModelAdmin):
    list_display = ["organisation", "women_only_beds", "men_only_beds", "family_beds"]


@admin.register(Tariff)
class TariffAdmin(admin.ModelAdmin):
    list_display = ["provider", "support_type", "valid_from", "daily_rate_pence"]
    list_filter = ["support_type"]
