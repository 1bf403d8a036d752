from rest_framework import serializers

from organisations.models import Role, User


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=256, trim_whitespace=False)
    otp = serializers.RegexField(r"^\d{6}$", max_length=6, error_messages={"invalid": "Enter the 6-digit code."})


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires_at = serializers.DateTimeField()


class CurrentUserSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.name", default=None)
    organisation_roles = serializers.ListField(child=serializers.CharField(), source="organisation.roles",
                                               default=list)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["email", "full_name", "organisation", "organisation_roles", "roles"]
        read_only_fields = fields

    def get_roles(self, user: User) -> list[str]:
        return [role.value for role in Role if role in user.roles]
