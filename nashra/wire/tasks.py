"""The wire desk's background work (nashra.core.tasks): one provider's round."""

from django_tasks import task


@task()
def wire_poll(provider_id: int) -> None:
    from . import services
    from .models import Provider

    provider = Provider.objects.filter(pk=provider_id, active=True).first()
    if provider is not None:
        services.provider_poll(provider=provider)  # failures are the provider's last error
