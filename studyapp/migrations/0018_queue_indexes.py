"""The review queue's indexes: the due index ends in the id (the queue's tie-break), and new cards get their
own, in deck order, from each state's copy of its card's place in the deck."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('studyapp', '0017_class_dashboard_tallies'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='cardstate',
            name='cardstate_due_idx',
        ),
        migrations.AddField(
            model_name='cardstate',
            name='position',
            field=models.PositiveIntegerField(default=0),
        ),
        # Every existing state takes its card's place in the deck (both databases accept this form).
        migrations.RunSQL(
            "UPDATE studyapp_cardstate SET position ="
            " (SELECT c.position FROM studyapp_card c WHERE c.id = studyapp_cardstate.card_id)",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.AddIndex(
            model_name='cardstate',
            index=models.Index(fields=['user', 'state', 'due', 'id'], name='cardstate_due_idx'),
        ),
        migrations.AddIndex(
            model_name='cardstate',
            index=models.Index(fields=['user', 'state', 'position', 'id'], name='cardstate_new_idx'),
        ),
    ]
